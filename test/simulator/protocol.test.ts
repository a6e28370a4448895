import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetGroupIdCommand, IdentitystoreClient, ResourceNotFoundException as StoreNotFound } from '@aws-sdk/client-identitystore';
import { AccountNotFoundException, DescribeAccountCommand, DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetSecretValueCommand, ResourceNotFoundException as SecretNotFound, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NotFoundException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { QueueDoesNotExist, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { AwsSimulator } from '../../simulator';
import { queryResponseXml } from '../../simulator/protocol/query-protocol';

describe('AWS protocols through the real SDK v3 clients', () => {
  let sim: AwsSimulator;
  beforeAll(async () => {
    sim = await AwsSimulator.start({ seed: 7 });
  });
  afterAll(async () => sim.stop());
  afterEach(() => expect(sim.unexpectedErrors).toEqual([]));

  test('Organizations (JSON 1.1) describes the organization and maps unknown ids to AccountNotFoundException', async () => {
    const client = new OrganizationsClient(sim.clientConfig());
    const { Organization } = await client.send(new DescribeOrganizationCommand({}));
    expect(Organization?.MasterAccountId).toBe(sim.organizations.managementAccountId);
    expect(Organization?.Id).toMatch(/^o-[a-z0-9]{10}$/);
    await expect(client.send(new DescribeAccountCommand({ AccountId: '000000000000' }))).rejects.toBeInstanceOf(AccountNotFoundException);
  });

  test('sso-admin (SWBExternalService) lists the instance with its identity store', async () => {
    const { Instances } = await new SSOAdminClient(sim.clientConfig()).send(new ListInstancesCommand({}));
    expect(Instances).toEqual([expect.objectContaining({
      InstanceArn: expect.stringMatching(/^arn:aws:sso:::instance\/ssoins-[0-9a-f]{16}$/),
      IdentityStoreId: expect.stringMatching(/^d-[0-9a-f]{10}$/),
    })]);
  });

  test('Identity Store resolves a display name, and answers ResourceNotFoundException for an unknown one', async () => {
    const group = sim.identityStore.createGroup('AD-GROUP-CLOUD-ADMINS');
    const client = new IdentitystoreClient(sim.clientConfig());
    const uniqueAttribute = (value: string) => ({ AttributePath: 'displayName', AttributeValue: value });
    const found = await client.send(new GetGroupIdCommand({
      IdentityStoreId: sim.identityStore.identityStoreId, AlternateIdentifier: { UniqueAttribute: uniqueAttribute('AD-GROUP-CLOUD-ADMINS') },
    }));
    expect(found.GroupId).toBe(group.id);
    expect(group.id).toMatch(/^[0-9a-f]{10}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await expect(client.send(new GetGroupIdCommand({
      IdentityStoreId: sim.identityStore.identityStoreId, AlternateIdentifier: { UniqueAttribute: uniqueAttribute('nobody') },
    }))).rejects.toBeInstanceOf(StoreNotFound);
  });

  test('SSM stores and reads a parameter; a missing one is ParameterNotFound', async () => {
    const client = new SSMClient(sim.clientConfig());
    await client.send(new PutParameterCommand({ Name: '/config/doc', Value: '{"rules":[]}', Type: 'String' }));
    const { Parameter } = await client.send(new GetParameterCommand({ Name: '/config/doc' }));
    expect(Parameter).toMatchObject({ Name: '/config/doc', Value: '{"rules":[]}', Version: 1, Type: 'String' });
    expect(Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    await expect(client.send(new GetParameterCommand({ Name: '/missing' }))).rejects.toBeInstanceOf(ParameterNotFound);
  });

  test('SQS (JSON 1.0, query compatible) sends with a valid body MD5 and maps the missing queue error', async () => {
    const queue = sim.sqs.createQueue('reconcile.fifo');
    const client = new SQSClient(sim.clientConfig());
    const sent = await client.send(new SendMessageCommand({
      QueueUrl: queue.url,
      MessageBody: 'hello',
      MessageGroupId: 'g',
      MessageDeduplicationId: 'd1',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'schedule' } },
    }));
    expect(sent.SequenceNumber).toMatch(/^\d{20}$/);
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(sim.sqs.messages('reconcile.fifo').map((m) => m.body)).toEqual(['hello']);
    const missing = client.send(new SendMessageCommand({ QueueUrl: `${sim.endpoint}/${sim.accountId}/nope`, MessageBody: 'x' }));
    await expect(missing).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  test('EventBridge records entries; SNS (Query protocol, XML) publishes and maps NotFound', async () => {
    const events = await new EventBridgeClient(sim.clientConfig()).send(new PutEventsCommand({
      Entries: [{ Source: 'test-source', DetailType: 'Run Summary', Detail: '{"created":3}' }],
    }));
    expect(events.FailedEntryCount).toBe(0);
    expect(sim.eventBridge.events('default')[0]).toMatchObject({ detailType: 'Run Summary', detail: { created: 3 } });

    const topicArn = sim.sns.createTopic('reports');
    const sns = new SNSClient(sim.clientConfig());
    const published = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: 'Run', Message: 'done' }));
    expect(sim.sns.messages(topicArn)).toEqual([expect.objectContaining({ messageId: published.MessageId, subject: 'Run', message: 'done' })]);
    await expect(sns.send(new PublishCommand({ TopicArn: `${topicArn}-x`, Message: 'm' }))).rejects.toBeInstanceOf(NotFoundException);
  });

  test('Secrets Manager returns a secret by name or ARN and ResourceNotFoundException when missing', async () => {
    const secret = sim.secretsManager.putSecret('teams-webhook', sim.webhookUrl('teams'));
    const client = new SecretsManagerClient(sim.clientConfig());
    expect((await client.send(new GetSecretValueCommand({ SecretId: secret.arn }))).SecretString).toBe(sim.webhookUrl('teams'));
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'teams-webhook' }))).ARN).toBe(secret.arn);
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toBeInstanceOf(SecretNotFound);
  });

  test('webhooks record JSON posts and answer 202 like a Teams Workflows trigger', async () => {
    const response = await fetch(sim.webhookUrl('teams'), { method: 'POST', body: JSON.stringify({ type: 'message' }), headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(202);
    expect(sim.webhooks.deliveries('teams').map((d) => d.body)).toEqual([{ type: 'message' }]);
    sim.webhooks.failNext('teams', 1, 429);
    expect((await fetch(sim.webhookUrl('teams'), { method: 'POST', body: '{}' })).status).toBe(429);
    expect(sim.webhooks.deliveries('teams')).toHaveLength(1);
  });

  test('awsQuery responses nest structures, write lists as member items and dates as ISO 8601', () => {
    const xml = queryResponseXml('Describe', 'urn:x', { Thing: { Name: 'a<b', At: new Date(Date.UTC(2026, 0, 1)), Tags: ['x', 'y'] }, Gone: undefined }, 'req-1');
    expect(xml).toBe('<DescribeResponse xmlns="urn:x"><DescribeResult><Thing><Name>a&lt;b</Name><At>2026-01-01T00:00:00.000Z</At>'
      + '<Tags><member>x</member><member>y</member></Tags></Thing></DescribeResult>'
      + '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DescribeResponse>');
  });

  test('a form-encoded request signed for no query service is refused without a service to count it against', async () => {
    const post = (authorization?: string) => fetch(sim.endpoint, {
      method: 'POST',
      body: 'Action=Publish&Version=2010-03-31',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    });
    const before = sim.calls.total();
    const unsigned = await post();
    expect(unsigned.status).toBe(400);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationTokenException</Code>');
    const elsewhere = await post('AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x');
    expect(await elsewhere.text()).toContain('<Code>UnknownOperationException</Code>');
    expect(sim.calls.total()).toBe(before);
  });

  test('unsigned requests are refused and unknown operations answer UnknownOperationException', async () => {
    const post = (target: string, authorization?: string) => fetch(sim.endpoint, {
      method: 'POST',
      body: '{}',
      headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1', ...(authorization ? { authorization } : {}) },
    });
    const unsigned = await post('SWBExternalService.ListInstances');
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    const unknown = await post('SWBExternalService.DeleteEverything', 'AWS4-HMAC-SHA256 Credential=x');
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  test('env() points SDK clients configured only by environment at the simulator', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, sim.env());
    delete process.env.AWS_PROFILE;
    try {
      expect(sim.env()).not.toHaveProperty('AWS_MAX_ATTEMPTS');
      const { Organization } = await new OrganizationsClient({}).send(new DescribeOrganizationCommand({}));
      expect(Organization?.Id).toBe(sim.organizations.organizationId);
      // SQS sends to the QueueUrl host when no endpoint is configured; queue URLs point at the simulator.
      const queue = sim.sqs.createQueue('env-queue');
      await new SQSClient({}).send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'via env' }));
      expect(sim.sqs.messages('env-queue')).toHaveLength(1);
    } finally {
      process.env = saved;
    }
  });
});
