import { ProvisionPermissionSetCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { AwsSimulator, CloudFormationValidationError, StackEvent } from '../../simulator';

/** The request CloudFormation sends a custom resource's function. */
interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

/** What a fake handler answers: a response to PUT, or nothing at all (it never calls back). */
type Answer = { Status?: 'SUCCESS' | 'FAILED'; PhysicalResourceId?: string; Reason?: string; Data?: Record<string, unknown> } | 'no answer';

/**
 * A custom resource handler as a Lambda function would run it: it answers by PUTting to the
 * ResponseURL over real HTTP, like cfn-response, and records every event it received.
 */
function fakeHandler(sim: AwsSimulator, answer: (event: CustomResourceEvent) => Answer | Promise<Answer>) {
  const received: CustomResourceEvent[] = [];
  const statuses: number[] = [];
  sim.cloudFormation.setFunctionInvoker(async (_fn, raw) => {
    const event = raw as CustomResourceEvent;
    received.push(event);
    const reply = await answer(event);
    if (reply === 'no answer') return;
    const response = await fetch(event.ResponseURL, {
      method: 'PUT',
      body: JSON.stringify({
        Status: 'SUCCESS',
        PhysicalResourceId: event.PhysicalResourceId ?? `${event.LogicalResourceId}-1`,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
        ...reply,
      }),
    });
    statuses.push(response.status);
  });
  return { received, statuses };
}

/** Waits (in real time) until `condition` holds. */
async function eventually(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Index of the first event matching, -1 if none. */
function at(events: readonly StackEvent[], logicalId: string, status: string, physicalId?: string): number {
  return events.findIndex((e) => e.logicalId === logicalId && e.status === status && (physicalId === undefined || e.physicalId === physicalId));
}

function statusesOf(events: readonly StackEvent[], logicalId: string): string[] {
  return events.filter((e) => e.logicalId === logicalId).map((e) => e.status);
}

/** A role and a function that custom resources of the template use as their ServiceToken. */
const HANDLER_RESOURCES = {
  HandlerRole: {
    Type: 'AWS::IAM::Role',
    Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] } },
  },
  Handler: {
    Type: 'AWS::Lambda::Function',
    Properties: { Handler: 'index.handler', Runtime: 'nodejs22.x', Role: { 'Fn::GetAtt': ['HandlerRole', 'Arn'] }, Code: { ZipFile: 'x' } },
  },
};
const SERVICE_TOKEN = { 'Fn::GetAtt': ['Handler', 'Arn'] };

describe('CloudFormation model', () => {
  let sim: AwsSimulator;
  beforeEach(async () => {
    // 1,000 simulated ms per real ms: the permission set handler's minutes of retries take about a second.
    sim = await AwsSimulator.start({ seed: 3, clock: { speed: 1000 }, quotas: { asyncLatency: { minMs: 1000, maxMs: 2000 } } });
  });
  afterEach(async () => {
    expect(sim.unexpectedErrors).toEqual([]);
    await sim.stop();
  });

  test('create: dependency order from Ref, GetAtt, Sub and DependsOn; independent resources start in the same wave', async () => {
    const result = await sim.cloudFormation.deploy('Home', {
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true, ContentBasedDeduplication: true } },
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: { Ref: 'AWS::AccountId' } } }] } },
        },
        Policy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'p',
            Roles: [{ Ref: 'Role' }],
            PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] } }] },
          },
        },
        Config: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/queue', Type: 'String', Value: { 'Fn::Sub': '${Queue.Arn}' } } },
        Function: {
          Type: 'AWS::Lambda::Function',
          DependsOn: ['Policy'],
          Properties: {
            Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
            Timeout: 900,
            Environment: { Variables: { QUEUE_URL: { Ref: 'Queue' }, CONFIG: { Ref: 'Config' } } },
          },
        },
      },
    });
    expect(result.status).toBe('CREATE_COMPLETE');
    const events = result.events;
    // Queue and Role have no dependency: both start before either completes.
    expect(at(events, 'Queue', 'CREATE_IN_PROGRESS')).toBeLessThan(at(events, 'Role', 'CREATE_COMPLETE'));
    expect(at(events, 'Role', 'CREATE_IN_PROGRESS')).toBeLessThan(at(events, 'Queue', 'CREATE_COMPLETE'));
    expect(at(events, 'Queue', 'CREATE_COMPLETE')).toBeLessThan(at(events, 'Config', 'CREATE_IN_PROGRESS'));
    expect(at(events, 'Role', 'CREATE_COMPLETE')).toBeLessThan(at(events, 'Policy', 'CREATE_IN_PROGRESS'));
    expect(at(events, 'Policy', 'CREATE_COMPLETE')).toBeLessThan(at(events, 'Function', 'CREATE_IN_PROGRESS'));
    expect(statusesOf(events, 'Home')).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);

    const stack = sim.cloudFormation.stack('Home')!;
    const queue = stack.resources.get('Queue')!;
    // A generated FIFO name ends in .fifo; Ref is the URL.
    expect(queue.attributes.QueueName).toMatch(/^Home-Queue-[A-Z0-9]{12}\.fifo$/);
    expect(queue.physicalId).toBe(queue.attributes.QueueUrl);
    expect(sim.sqs.queue(String(queue.attributes.QueueName))?.fifo).toBe(true);
    expect(sim.ssm.get('/app/queue')?.value).toBe(queue.attributes.Arn);
    const role = sim.iam.role(String(stack.resources.get('Role')!.attributes.Arn))!;
    expect(role.policy).toEqual([{ effect: 'Allow', actions: ['sqs:SendMessage'], resources: [queue.attributes.Arn] }]);
    expect(role.trustedPrincipalArns).toEqual([`arn:aws:iam::${sim.accountId}:root`]);
    expect(sim.cloudFormation.functions()).toEqual([expect.objectContaining({
      logicalId: 'Function', roleArn: role.arn, timeoutSeconds: 900, environment: { QUEUE_URL: queue.physicalId, CONFIG: '/app/queue' },
    })]);
    expect(sim.eventBridge.events('default')).toEqual([expect.objectContaining({
      source: 'aws.ssm', detailType: 'Parameter Store Change', detail: { operation: 'Create', name: '/app/queue', type: 'String' },
    })]);
  });

  test('AWS::IAM::Policy carries Condition: a tag-conditioned statement allows the tagged permission set only', async () => {
    const instance = sim.identityCenter.instanceArn;
    const tagged = sim.identityCenter.createPermissionSet({ name: 'Tagged', tags: { 'cdk-identity-center-permissions:catalog': 'cat-1' } });
    const untagged = sim.identityCenter.createPermissionSet({ name: 'Untagged' });
    await sim.cloudFormation.deploy('Home', {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: { Ref: 'AWS::AccountId' } } }] } },
        },
        Policy: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'p',
            Roles: [{ Ref: 'Role' }],
            PolicyDocument: {
              Statement: [{
                Sid: 'WriteCatalogPermissionSets',
                Effect: 'Allow',
                Action: 'sso:DeleteAccountAssignment',
                Resource: `arn:aws:sso:::permissionSet/${instance.split('/')[1]}/*`,
                Condition: { StringEquals: { 'aws:ResourceTag/cdk-identity-center-permissions:catalog': 'cat-1' } },
              }],
            },
          },
        },
      },
    });
    const role = sim.iam.role(String(sim.cloudFormation.stack('Home')!.resources.get('Role')!.attributes.Arn))!;
    expect(role.policy).toEqual([expect.objectContaining({ conditions: { StringEquals: { 'aws:ResourceTag/cdk-identity-center-permissions:catalog': 'cat-1' } } })]);
    const caller = sim.iam.callerFor(sim.iam.credentialsFor(role.arn).accessKeyId);
    expect(sim.iam.isAllowed(caller, 'sso:DeleteAccountAssignment', tagged.arn)).toBe(true);
    expect(sim.iam.isAllowed(caller, 'sso:DeleteAccountAssignment', untagged.arn)).toBe(false);
  });

  test('template validation: unresolved references and cycles are refused before anything starts', async () => {
    await expect(sim.cloudFormation.deploy('Bad', { Resources: { A: { Type: 'AWS::SNS::Topic', Properties: { X: { Ref: 'Missing' } } } } }))
      .rejects.toThrow('Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template');
    await expect(sim.cloudFormation.deploy('Bad', {
      Resources: { A: { Type: 'AWS::SNS::Topic', DependsOn: 'B' }, B: { Type: 'AWS::SNS::Topic', Properties: { X: { 'Fn::GetAtt': ['A', 'Arn'] } } } },
    })).rejects.toBeInstanceOf(CloudFormationValidationError);
    expect(sim.cloudFormation.stack('Bad')).toBeUndefined();
  });

  test('parameters and conditions: the bootstrap version resolves, Rules are ignored, Condition and Fn::If select', async () => {
    const template = {
      Parameters: {
        BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
        Env: { Type: 'String', Default: 'dev', AllowedValues: ['dev', 'prod'] },
      },
      Rules: {
        CheckBootstrapVersion: { Assertions: [{ Assert: { 'Fn::Not': [{ 'Fn::Contains': [['1', '2', '3', '4', '5'], { Ref: 'BootstrapVersion' }] }] } }] },
      },
      Conditions: {
        CDKMetadataAvailable: { 'Fn::Or': [{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'af-south-1'] }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }] },
        IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
        IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
        DevHere: { 'Fn::And': [{ Condition: 'IsDev' }, { Condition: 'CDKMetadataAvailable' }] },
      },
      Resources: {
        CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:xyz' }, Condition: 'CDKMetadataAvailable' },
        ProdOnly: { Type: 'AWS::SQS::Queue', Condition: 'IsProd' },
        Version: {
          Type: 'AWS::SSM::Parameter',
          Properties: {
            Name: '/app/version',
            Type: 'String',
            Value: { 'Fn::Sub': ['${Version}-${Env}-${AWS::Region}', { Version: { Ref: 'BootstrapVersion' } }] },
            Description: { 'Fn::If': ['DevHere', { Ref: 'AWS::NoValue' }, 'production'] },
          },
        },
      },
      Outputs: { VersionName: { Value: { Ref: 'Version' } }, ProdQueue: { Value: { Ref: 'ProdOnly' }, Condition: 'IsProd' } },
    };
    const dev = await sim.cloudFormation.deploy('Conditions', template);
    expect(dev.status).toBe('CREATE_COMPLETE');
    const stack = sim.cloudFormation.stack('Conditions')!;
    expect([...stack.resources.keys()].sort()).toEqual(['CDKMetadata', 'Version']);
    expect(stack.resources.get('Version')!.properties).toEqual({ Name: '/app/version', Type: 'String', Value: '30-dev-us-east-1' });
    expect(stack.outputs).toEqual({ VersionName: '/app/version' });

    const prod = await sim.cloudFormation.deploy('Conditions', template, { parameters: { Env: 'prod' } });
    expect(prod.status).toBe('UPDATE_COMPLETE');
    expect(statusesOf(prod.events, 'ProdOnly')).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
    expect(sim.ssm.get('/app/version')).toMatchObject({ value: '30-prod-us-east-1', description: 'production' });
    await expect(sim.cloudFormation.deploy('Conditions', template, { parameters: { Env: 'test' } })).rejects.toThrow("Parameter 'Env' must be one of AllowedValues");
    // The same template and parameters again: nothing to do.
    expect(await sim.cloudFormation.deploy('Conditions', template, { parameters: { Env: 'prod' } }))
      .toEqual({ status: 'UPDATE_COMPLETE', events: [], warnings: ['No updates are to be performed.'] });
  });

  test('update: in-place update, replacement created before dependents update and deleted in cleanup, removal in reverse old order', async () => {
    const v1 = {
      Resources: {
        Queue: { Type: 'AWS::SQS::Queue' },
        QueuePolicy: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: [{ Ref: 'Queue' }], PolicyDocument: { Statement: [] } } },
        Setting: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/setting', Type: 'String', Value: 'one' } },
        Pointer: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/pointer-1', Type: 'String', Value: 'x' } },
        Function: { Type: 'AWS::Lambda::Function', Properties: { Role: 'arn:aws:iam::123456789012:role/external', Environment: { Variables: { P: { Ref: 'Pointer' } } } } },
        Untouched: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 } },
      },
    };
    expect((await sim.cloudFormation.deploy('Home', v1)).status).toBe('CREATE_COMPLETE');
    const queueUrl = sim.cloudFormation.stack('Home')!.resources.get('Queue')!.physicalId;
    const v2 = {
      Resources: {
        Setting: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/setting', Type: 'String', Value: 'two' } },
        Pointer: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/pointer-2', Type: 'String', Value: 'x' } },
        Function: v1.Resources.Function,
        Untouched: v1.Resources.Untouched,
      },
    };
    const result = await sim.cloudFormation.deploy('Home', v2);
    expect(result.status).toBe('UPDATE_COMPLETE');
    const events = result.events;
    // In place: same physical id.
    expect(statusesOf(events, 'Setting')).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_COMPLETE']);
    expect(sim.ssm.get('/app/setting')?.value).toBe('two');
    // Replacement: the new parameter first, then the function that refers to it, the old one only in cleanup.
    expect(events[at(events, 'Pointer', 'UPDATE_IN_PROGRESS')]).toMatchObject({ physicalId: '/app/pointer-1', reason: expect.stringContaining('creation of a new physical resource') });
    expect(at(events, 'Pointer', 'UPDATE_COMPLETE', '/app/pointer-2')).toBeLessThan(at(events, 'Function', 'UPDATE_IN_PROGRESS'));
    const cleanup = at(events, 'Home', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    expect(at(events, 'Function', 'UPDATE_COMPLETE')).toBeLessThan(cleanup);
    expect(at(events, 'Pointer', 'DELETE_COMPLETE', '/app/pointer-1')).toBeGreaterThan(cleanup);
    expect(sim.cloudFormation.functions()[0].environment).toEqual({ P: '/app/pointer-2' });
    expect(sim.ssm.get('/app/pointer-1')).toBeUndefined();
    // Removal: the policy that refers to the queue goes first.
    expect(at(events, 'QueuePolicy', 'DELETE_COMPLETE')).toBeLessThan(at(events, 'Queue', 'DELETE_IN_PROGRESS'));
    expect(at(events, 'Queue', 'DELETE_COMPLETE')).toBeGreaterThan(cleanup);
    expect(sim.sqs.queueByUrl(queueUrl)).toBeUndefined();
    // Unchanged: untouched.
    expect(statusesOf(events, 'Untouched')).toEqual([]);
    expect(sim.eventBridge.events('default').map((e) => (e.detail as { operation: string; name: string })))
      .toEqual(expect.arrayContaining([{ operation: 'Update', name: '/app/setting', type: 'String' }, { operation: 'Delete', name: '/app/pointer-1', type: 'String' }]));
    expect(result.warnings).toEqual([]);
  });

  test('a replacement that keeps its custom name is refused and rolled back', async () => {
    const table = (keys: string[]) => ({
      Resources: { Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'state', KeySchema: keys.map((k) => ({ AttributeName: k, KeyType: 'HASH' })) } } },
    });
    const calls: string[] = [];
    sim.cloudFormation.setTableProvider({
      create: async (p) => { calls.push(`create ${String(p.TableName)}`); },
      update: async (p) => { calls.push(`update ${String(p.TableName)}`); },
      delete: async (p) => { calls.push(`delete ${String(p.TableName)}`); },
    });
    await sim.cloudFormation.deploy('Tables', table(['pk']));
    const result = await sim.cloudFormation.deploy('Tables', table(['id']));
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(result.events[at(result.events, 'Table', 'UPDATE_FAILED')].reason)
      .toBe('CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename state and update the stack again.');
    expect(calls).toEqual(['create state']);
  });

  test('cleanup: a delete that fails three times is dropped from the stack (DELETE_FAILED), the update still ends UPDATE_COMPLETE', async () => {
    const handler = fakeHandler(sim, (e) => (e.RequestType === 'Delete' ? { Status: 'FAILED', Reason: 'still in use' } : {}));
    const withDrain = { Resources: { ...HANDLER_RESOURCES, Drain: { Type: 'Custom::Drain', Properties: { ServiceToken: SERVICE_TOKEN } } } };
    expect((await sim.cloudFormation.deploy('Home', withDrain)).status).toBe('CREATE_COMPLETE');
    const result = await sim.cloudFormation.deploy('Home', { Resources: HANDLER_RESOURCES });
    expect(result.status).toBe('UPDATE_COMPLETE');
    expect(handler.received.filter((e) => e.RequestType === 'Delete')).toHaveLength(3);
    expect(result.events[at(result.events, 'Drain', 'DELETE_FAILED')].reason).toContain('Received response status [FAILED] from custom resource. Message returned: still in use');
    expect(result.warnings).toEqual(['Update successful. One or more resources could not be deleted.']);
    expect(sim.cloudFormation.orphans()).toEqual([{ stackName: 'Home', logicalId: 'Drain', type: 'Custom::Drain', physicalId: 'Drain-1', reason: expect.stringMatching(/^DELETE_FAILED: /) }]);
    expect(sim.cloudFormation.stack('Home')!.resources.has('Drain')).toBe(false);
  });

  test('update failure rolls back: created resources deleted, updated ones updated back (a custom resource with its properties swapped)', async () => {
    const handler = fakeHandler(sim, (e) => (e.RequestType === 'Update' && e.ResourceProperties.Mode === 'broken' ? { Status: 'FAILED', Reason: 'no' } : {}));
    const template = (value: string, mode: string, extra: Record<string, unknown> = {}) => ({
      Resources: {
        ...HANDLER_RESOURCES,
        Setting: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/setting', Type: 'String', Value: value } },
        Worker: { Type: 'Custom::Worker', Properties: { ServiceToken: SERVICE_TOKEN, Setting: { Ref: 'Setting' }, Mode: mode, Value: value } },
        ...extra,
      },
    });
    await sim.cloudFormation.deploy('Home', template('1', 'ok'));
    const result = await sim.cloudFormation.deploy('Home', template('2', 'broken', { Extra: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'extra' } } }));
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(statusesOf(result.events, 'Home')).toEqual([
      'UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE',
    ]);
    expect(result.events[at(result.events, 'Home', 'UPDATE_ROLLBACK_IN_PROGRESS')].reason).toBe('The following resource(s) failed to update: [Worker].');
    expect(sim.ssm.get('/app/setting')?.value).toBe('1');
    expect(sim.sqs.queue('extra')).toBeUndefined();
    const updates = handler.received.filter((e) => e.RequestType === 'Update');
    expect(updates.map((e) => [e.ResourceProperties.Mode, e.OldResourceProperties?.Mode])).toEqual([['broken', 'ok'], ['ok', 'broken']]);
    expect(sim.cloudFormation.stack('Home')!.resources.get('Setting')!.properties.Value).toBe('1');
    // The rolled-back stack takes the same update again: it is not "no changes".
    expect((await sim.cloudFormation.deploy('Home', template('2', 'broken'))).status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  test('create failure rolls back: ROLLBACK_COMPLETE, Retain kept; the next deploy deletes the stack and creates it again', async () => {
    const template = (queueName: string) => ({
      Resources: {
        Kept: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'kept' }, DeletionPolicy: 'Retain' },
        Gone: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/gone', Type: 'String', Value: 'v' } },
        Broken: { Type: 'AWS::SQS::Queue', DependsOn: ['Kept', 'Gone'], Properties: { QueueName: queueName, FifoQueue: true } },
      },
    });
    const failed = await sim.cloudFormation.deploy('Home', template('no-suffix'));
    expect(failed.status).toBe('ROLLBACK_COMPLETE');
    expect(failed.events[at(failed.events, 'Broken', 'CREATE_FAILED')].reason).toContain('must end with .fifo suffix');
    expect(statusesOf(failed.events, 'Kept')).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'DELETE_SKIPPED']);
    expect(sim.ssm.get('/app/gone')).toBeUndefined();
    expect(sim.cloudFormation.orphans()).toEqual([expect.objectContaining({ logicalId: 'Kept', reason: 'retained' })]);
    // The retained queue now blocks its own re-creation, as in AWS.
    const again = await sim.cloudFormation.deploy('Home', template('ok.fifo'));
    expect(again.status).toBe('ROLLBACK_COMPLETE');
    expect(again.events[at(again.events, 'Home', 'DELETE_COMPLETE')]).toBeDefined();
    expect(again.events[at(again.events, 'Kept', 'CREATE_FAILED')].reason).toMatch(/^Resource handler returned message: "A queue already exists .*HandlerErrorCode: AlreadyExists\)$/);
  });

  test('destroy: reverse order, DeletionPolicy Retain skipped, a DELETE_FAILED resource does not protect what it depends on', async () => {
    fakeHandler(sim, (e) => (e.RequestType === 'Delete' ? { Status: 'FAILED', Reason: 'cannot' } : {}));
    await sim.cloudFormation.deploy('Home', {
      Resources: {
        ...HANDLER_RESOURCES,
        Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'kept-bus' }, DeletionPolicy: 'Retain' },
        Config: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/config', Type: 'String', Value: { 'Fn::GetAtt': ['Bus', 'Arn'] } } },
        Drain: { Type: 'Custom::Drain', DependsOn: 'Config', Properties: { ServiceToken: SERVICE_TOKEN } },
      },
    });
    await expect(sim.cloudFormation.destroy('Home', { retainResources: ['Drain'] })).rejects.toThrow('RetainResources');
    const result = await sim.cloudFormation.destroy('Home');
    expect(result.status).toBe('DELETE_FAILED');
    const events = result.events;
    expect(events[at(events, 'Drain', 'DELETE_FAILED')].reason).toContain('cannot');
    // cloudformation-coverage-roadmap#852: what the failed resource depends on is deleted anyway.
    expect(at(events, 'Drain', 'DELETE_FAILED')).toBeLessThan(at(events, 'Config', 'DELETE_IN_PROGRESS'));
    expect(sim.ssm.get('/app/config')).toBeUndefined();
    expect(statusesOf(events, 'Bus')).toEqual(['DELETE_SKIPPED']);
    expect(sim.eventBridge.hasEventBus('kept-bus')).toBe(true);
    expect(at(events, 'Handler', 'DELETE_COMPLETE')).toBeGreaterThan(at(events, 'Drain', 'DELETE_FAILED'));
    expect(sim.cloudFormation.stack('Home')).toMatchObject({ status: 'DELETE_FAILED' });
    expect([...sim.cloudFormation.stack('Home')!.resources.keys()]).toEqual(['Drain']);

    const retry = await sim.cloudFormation.destroy('Home', { retainResources: ['Drain'] });
    expect(retry.status).toBe('DELETE_COMPLETE');
    expect(sim.cloudFormation.stack('Home')).toBeUndefined();
    expect(sim.cloudFormation.orphans().map((o) => [o.logicalId, o.reason])).toEqual([['Bus', 'retained'], ['Drain', 'retained']]);
  });

  test('custom resources: CloudFormation\'s event, answered through PUT /cloudformation-responses/<id>; Data feeds Fn::GetAtt', async () => {
    let release: () => void = () => undefined;
    const handler = fakeHandler(sim, async (e) => {
      if (e.RequestType === 'Create') {
        // The handler answers and keeps running: CloudFormation waits for the response, not for the invocation.
        void new Promise<void>((resolve) => { release = resolve; });
        return { PhysicalResourceId: 'catalog-v1', Data: { Revision: 'r1' } };
      }
      return { PhysicalResourceId: e.ResourceProperties.Version === '2' ? 'catalog-v2' : e.PhysicalResourceId };
    });
    const template = (version: number) => ({
      Resources: {
        ...HANDLER_RESOURCES,
        Catalog: { Type: 'Custom::Catalog', Properties: { ServiceToken: SERVICE_TOKEN, Version: version, Enabled: true, Tags: [{ Count: 1 }] } },
        Revision: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/revision', Type: 'String', Value: { 'Fn::GetAtt': ['Catalog', 'Revision'] } } },
      },
    });
    const created = await sim.cloudFormation.deploy('Home', template(1));
    expect(created.status).toBe('CREATE_COMPLETE');
    const [create] = handler.received;
    const fn = sim.cloudFormation.functions()[0];
    expect(create).toEqual({
      RequestType: 'Create',
      ServiceToken: fn.arn,
      ResponseURL: expect.stringMatching(new RegExp(`^${sim.endpoint}/cloudformation-responses/[0-9a-f-]{36}$`)),
      StackId: sim.cloudFormation.stack('Home')!.stackId,
      RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      LogicalResourceId: 'Catalog',
      ResourceType: 'Custom::Catalog',
      // Every scalar arrives as a string (cloudformation-coverage-roadmap#1037).
      ResourceProperties: { ServiceToken: fn.arn, Version: '1', Enabled: 'true', Tags: [{ Count: '1' }] },
    });
    // The S3-like answer to the PUT reaches the handler after CloudFormation has moved on.
    await eventually(() => handler.statuses.length === 1);
    expect(handler.statuses).toEqual([200]);
    expect(sim.ssm.get('/app/revision')?.value).toBe('r1');

    // Data belongs to each answer: an Update answered without Revision leaves nothing for Fn::GetAtt, the update fails, and the
    // rollback treats the new id as a replacement: Delete(catalog-v2), and catalog-v1 with its Data is the resource again.
    const updated = await sim.cloudFormation.deploy('Home', template(2));
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(updated.events[at(updated.events, 'Revision', 'UPDATE_FAILED')].reason).toContain("Vendor response doesn't contain Revision key");
    expect(handler.received.map((e) => [e.RequestType, e.PhysicalResourceId])).toEqual([['Create', undefined], ['Update', 'catalog-v1'], ['Delete', 'catalog-v2']]);
    await eventually(() => handler.statuses.length === 3);
    expect(handler.statuses).toEqual([200, 200, 200]);
    expect(sim.cloudFormation.stack('Home')!.resources.get('Catalog')).toMatchObject({ physicalId: 'catalog-v1', attributes: { Revision: 'r1' } });
    release();
  });

  test('custom resources: a new PhysicalResourceId on Update sends Delete(old id, old properties) in the cleanup, after the dependents updated', async () => {
    const handler = fakeHandler(sim, (e) => ({
      PhysicalResourceId: e.RequestType === 'Delete' ? e.PhysicalResourceId : `catalog-v${String(e.ResourceProperties.Version)}`,
      Data: { Revision: `r${String(e.ResourceProperties.Version)}` },
    }));
    const template = (version: number) => ({
      Resources: {
        ...HANDLER_RESOURCES,
        Catalog: { Type: 'Custom::Catalog', Properties: { ServiceToken: SERVICE_TOKEN, Version: version } },
        Revision: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/revision', Type: 'String', Value: { 'Fn::GetAtt': ['Catalog', 'Revision'] } } },
      },
    });
    await sim.cloudFormation.deploy('Home', template(1));
    const result = await sim.cloudFormation.deploy('Home', template(2));
    expect(result.status).toBe('UPDATE_COMPLETE');
    const requests = handler.received.map((e) =>
      [e.RequestType, e.PhysicalResourceId, e.ResourceProperties.Version, e.OldResourceProperties?.Version]);
    expect(requests).toEqual([
      ['Create', undefined, '1', undefined],
      ['Update', 'catalog-v1', '2', '1'],
      ['Delete', 'catalog-v1', '1', undefined],
    ]);
    expect(at(result.events, 'Revision', 'UPDATE_COMPLETE')).toBeLessThan(at(result.events, 'Catalog', 'DELETE_IN_PROGRESS', 'catalog-v1'));
    expect(at(result.events, 'Home', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).toBeLessThan(at(result.events, 'Catalog', 'DELETE_IN_PROGRESS'));
    expect(sim.ssm.get('/app/revision')?.value).toBe('r2');
    expect(sim.cloudFormation.stack('Home')!.resources.get('Catalog')!.physicalId).toBe('catalog-v2');
  });

  test('custom resources: no answer within ServiceTimeout fails the operation with CloudFormation\'s text', async () => {
    const handler = fakeHandler(sim, (e) => (e.RequestType === 'Create' ? 'no answer' : {}));
    const started = sim.clock.now();
    const result = await sim.cloudFormation.deploy('Home', {
      Resources: { ...HANDLER_RESOURCES, Slow: { Type: 'Custom::Slow', Properties: { ServiceToken: SERVICE_TOKEN, ServiceTimeout: 60 } } },
    });
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    const failure = result.events[at(result.events, 'Slow', 'CREATE_FAILED')];
    expect(failure.reason).toBe(`CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${handler.received[0].RequestId}]. `
      + 'If you are using the Python cfn-response module, you may need to update your Lambda function code so that CloudFormation can attach the updated version.');
    expect(failure.at - started).toBeGreaterThanOrEqual(60_000);
    // The rollback still sends a Delete for the resource whose Create never answered.
    expect(handler.received.map((e) => e.RequestType)).toEqual(['Create', 'Delete']);
  });

  test('custom resources: a Create in flight when a sibling fails is cancelled, and its Delete is sent while the Create still runs', async () => {
    let finishCreates: () => void = () => {};
    const createsMayFinish = new Promise<void>((resolve) => {
      finishCreates = resolve;
    });
    const timeline: string[] = [];
    const handler = fakeHandler(sim, async (e) => {
      timeline.push(`${e.RequestType} ${e.LogicalResourceId} received`);
      if (e.RequestType === 'Create') {
        await createsMayFinish;
        timeline.push(`Create ${e.LogicalResourceId} answered`);
      }
      return {};
    });
    // Broken fails at once (a FIFO queue's name must end in .fifo); Slow and Broken are in the same wave.
    const broken = { Broken: { Type: 'AWS::SQS::Queue', DependsOn: ['Handler'], Properties: { QueueName: 'no-suffix', FifoQueue: true } } };
    const slow = { Slow: { Type: 'Custom::Slow', Properties: { ServiceToken: SERVICE_TOKEN } } };
    const created = await sim.cloudFormation.deploy('Home', { Resources: { ...HANDLER_RESOURCES, ...slow, ...broken } });
    expect(created.status).toBe('ROLLBACK_COMPLETE');
    // aws/aws-cdk#26139, cloudformation-coverage-roadmap#1730: "Resource creation cancelled", then DELETE_IN_PROGRESS.
    expect(statusesOf(created.events, 'Slow')).toEqual(['CREATE_IN_PROGRESS', 'CREATE_FAILED', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    expect(created.events[at(created.events, 'Slow', 'CREATE_FAILED')].reason).toBe('Resource creation cancelled');
    expect(at(created.events, 'Broken', 'CREATE_FAILED')).toBeLessThan(at(created.events, 'Slow', 'CREATE_FAILED'));
    expect(timeline).toEqual(['Create Slow received', 'Delete Slow received']);
    // The Delete names an id the handler never issued (its Create had not answered).
    const [, deletion] = handler.received;
    expect(deletion.PhysicalResourceId).toMatch(/^Home-Slow-/);

    // The same in an update: the new custom resource's Create is cancelled, the rollback's cleanup deletes it.
    await sim.cloudFormation.deploy('Home', { Resources: HANDLER_RESOURCES });
    const updated = await sim.cloudFormation.deploy('Home', { Resources: { ...HANDLER_RESOURCES, ...slow, ...broken } });
    expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(updated.events[at(updated.events, 'Slow', 'CREATE_FAILED')].reason).toBe('Resource creation cancelled');
    expect(at(updated.events, 'Home', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS')).toBeLessThan(at(updated.events, 'Slow', 'DELETE_IN_PROGRESS'));
    expect(timeline.slice(2)).toEqual(['Create Slow received', 'Delete Slow received']);

    // The cancelled Creates answer at last: CloudFormation no longer listens.
    finishCreates();
    await eventually(() => handler.statuses.length === 4);
    expect(timeline.filter((t) => t.endsWith('answered'))).toHaveLength(2);
    expect(sim.cloudFormation.responses.ignoredResponses()).toHaveLength(2);
  });

  test('on a frozen clock, a wait for a custom resource ends only when the test moves simulated time past ServiceTimeout', async () => {
    const frozen = await AwsSimulator.start({ seed: 4, clock: { speed: 0 } });
    try {
      const received: string[] = [];
      frozen.cloudFormation.setFunctionInvoker(async (_fn, event) => {
        received.push((event as CustomResourceEvent).RequestType);
      });
      let settled = false;
      const deploying = frozen.cloudFormation.deploy('Home', {
        Resources: { ...HANDLER_RESOURCES, Slow: { Type: 'Custom::Slow', Properties: { ServiceToken: SERVICE_TOKEN, ServiceTimeout: 30 } } },
      }).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect([settled, received]).toEqual([false, ['Create']]);
      // The Create times out, then the rollback's Delete, also unanswered, needs its own 30 s.
      for (let i = 0; i < 10 && !settled; i++) {
        frozen.clock.advance(30_000);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const result = await deploying;
      expect(result.status).toBe('ROLLBACK_FAILED');
      expect(received).toEqual(['Create', 'Delete']);
      expect(frozen.cloudFormation.stack('Home')!.resources.get('Slow')).toMatchObject({ status: 'DELETE_FAILED' });
    } finally {
      await frozen.stop();
    }
  });

  describe('AWS::SSO::PermissionSet', () => {
    const permissionSet = (name: string, extra: Record<string, unknown> = {}) => ({
      Type: 'AWS::SSO::PermissionSet',
      Properties: { InstanceArn: sim.identityCenter.instanceArn, Name: name, SessionDuration: 'PT4H', ...extra },
    });
    const home = (name: string, extra: Record<string, unknown> = {}) => ({
      Resources: {
        PermissionSet: permissionSet(name, extra),
        Config: {
          Type: 'AWS::SSM::Parameter',
          Properties: { Name: '/app/config', Type: 'String', Value: { 'Fn::Join': ['', ['{"arn":"', { 'Fn::GetAtt': ['PermissionSet', 'PermissionSetArn'] }, '"}']] } },
        },
      },
    });

    test('a rename is a replacement: the old set, still assigned, cannot be deleted in cleanup and is orphaned; the update succeeds', async () => {
      const account = sim.organizations.createAccount({ name: 'Prod' });
      const group = sim.identityStore.createGroup('Admins');
      await sim.cloudFormation.deploy('Home', home('Admin'));
      const old = sim.identityCenter.permissionSetByName('Admin')!;
      expect(sim.cloudFormation.stack('Home')!.resources.get('PermissionSet')!.physicalId).toBe(`${old.arn}|${sim.identityCenter.instanceArn}`);
      sim.identityCenter.addAssignment({ accountId: account.id, permissionSetArn: old.arn, principalType: 'GROUP', principalId: group.id });

      const result = await sim.cloudFormation.deploy('Home', home('PlatformAdmin'));
      expect(result.status).toBe('UPDATE_COMPLETE');
      const renamed = sim.identityCenter.permissionSetByName('PlatformAdmin')!;
      const [created, cleanup] = [at(result.events, 'PermissionSet', 'UPDATE_COMPLETE'), at(result.events, 'Home', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')];
      expect(result.events[created].physicalId).toBe(`${renamed.arn}|${sim.identityCenter.instanceArn}`);
      expect(created).toBeLessThan(at(result.events, 'Config', 'UPDATE_COMPLETE'));
      expect(at(result.events, 'Config', 'UPDATE_COMPLETE')).toBeLessThan(cleanup);
      expect(cleanup).toBeLessThan(at(result.events, 'PermissionSet', 'DELETE_IN_PROGRESS'));
      expect(sim.ssm.get('/app/config')?.value).toBe(`{"arn":"${renamed.arn}"}`);
      // CreateHandler does not provision: the new set is provisioned nowhere.
      expect(sim.identityCenter.provisionedVersion(account.id, renamed.arn)).toBeUndefined();
      const failed = result.events[at(result.events, 'PermissionSet', 'DELETE_FAILED')];
      expect(failed).toMatchObject({ physicalId: `${old.arn}|${sim.identityCenter.instanceArn}` });
      expect(failed.reason).toMatch(/^Resource handler returned message: "Could not delete because PermissionSet has ApplicationProfile associated with it\..*HandlerErrorCode: AlreadyExists\)$/);
      // Six handler calls (one and five retries, minutes apart), three times.
      expect(failed.at - result.events[at(result.events, 'PermissionSet', 'DELETE_IN_PROGRESS')].at).toBeGreaterThan(3 * 5 * 5_000);
      expect(sim.cloudFormation.orphans()).toEqual([expect.objectContaining({ logicalId: 'PermissionSet', physicalId: failed.physicalId })]);
      // landing-zone-accelerator-on-aws#532: both sets are visible in Identity Center.
      expect(sim.identityCenter.permissionSets().map((ps) => ps.name).sort()).toEqual(['Admin', 'PlatformAdmin']);
    });

    test('a policy change provisions every provisioned account; with a suspended one, provisioning FAILS and so does the update', async () => {
      const [prod, dev] = [sim.organizations.createAccount({ name: 'Prod' }), sim.organizations.createAccount({ name: 'Dev' })];
      const group = sim.identityStore.createGroup('Devs');
      await sim.cloudFormation.deploy('Home', home('Developer'));
      const ps = sim.identityCenter.permissionSetByName('Developer')!;
      for (const account of [prod, dev]) sim.identityCenter.addAssignment({ accountId: account.id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });

      const policies = (...names: string[]) => ({ ManagedPolicies: names.map((n) => `arn:aws:iam::aws:policy/${n}`) });
      const updated = await sim.cloudFormation.deploy('Home', home('Developer', policies('ReadOnlyAccess')));
      expect(updated.status).toBe('UPDATE_COMPLETE');
      expect([...ps.managedPolicies]).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
      expect(sim.identityCenter.isLatestProvisioned(prod.id, ps.arn)).toBe(true);
      expect(sim.identityCenter.operations({ kind: 'PROVISION_PERMISSION_SET' })).toHaveLength(1);

      sim.organizations.closeAccount(dev.id);
      const result = await sim.cloudFormation.deploy('Home', home('Developer', policies('ReadOnlyAccess', 'SecurityAudit')));
      const failure = result.events[at(result.events, 'PermissionSet', 'UPDATE_FAILED')];
      expect(failure.reason).toMatch(new RegExp(`Request [0-9a-f-]{36} failed due to: AWS SSO is unable to complete your request at this time. Obtaining permissions to manage your AWS account '${dev.id}'`));
      // The rollback updates the set back, which provisions again and fails again: UPDATE_ROLLBACK_FAILED.
      expect(result.status).toBe('UPDATE_ROLLBACK_FAILED');
      expect(statusesOf(result.events, 'PermissionSet')).toEqual(['UPDATE_IN_PROGRESS', 'UPDATE_FAILED', 'UPDATE_IN_PROGRESS', 'UPDATE_FAILED']);
      expect([...ps.managedPolicies]).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
      await expect(sim.cloudFormation.deploy('Home', home('Developer'))).rejects.toThrow('is in UPDATE_ROLLBACK_FAILED state and can not be updated.');
    });

    test('while the set is being provisioned, UpdatePermissionSet conflicts: 5 retries 5 s apart, then AlreadyExists', async () => {
      const slow = await AwsSimulator.start({ seed: 5, clock: { speed: 1000 }, quotas: { asyncLatency: { minMs: 600_000, maxMs: 600_000 } } });
      try {
        const account = slow.organizations.createAccount({ name: 'Prod' });
        const template = (description: string) => ({
          Resources: {
            PermissionSet: {
              Type: 'AWS::SSO::PermissionSet',
              Properties: { InstanceArn: slow.identityCenter.instanceArn, Name: 'Developer', Description: description },
            },
          },
        });
        await slow.cloudFormation.deploy('Home', template('v1'));
        const ps = slow.identityCenter.permissionSetByName('Developer')!;
        slow.identityCenter.provision(account.id, ps.arn);
        const admin = new SSOAdminClient({ ...slow.clientConfig(), maxAttempts: 1 });
        await admin.send(new ProvisionPermissionSetCommand({
          InstanceArn: slow.identityCenter.instanceArn, PermissionSetArn: ps.arn, TargetType: 'AWS_ACCOUNT', TargetId: account.id,
        }));

        const result = await slow.cloudFormation.deploy('Home', template('v2'));
        const [started, failed] = [at(result.events, 'PermissionSet', 'UPDATE_IN_PROGRESS'), at(result.events, 'PermissionSet', 'UPDATE_FAILED')];
        expect(result.events[failed].reason)
          .toMatch(/^Resource handler returned message: "There is a conflicting operation in process\..*HandlerErrorCode: AlreadyExists\)$/);
        expect(result.events[failed].at - result.events[started].at).toBeGreaterThanOrEqual(5 * 5_000);
        expect(result.events[failed].at - result.events[started].at).toBeLessThan(600_000);
        expect(slow.identityCenter.permissionSet(ps.arn)!.description).toBe('v1');
      } finally {
        await slow.stop();
      }
    });

    test('Tags: created with the set; an update untags what went, tags what came (also over tags added outside the template), then provisions', async () => {
      const account = sim.organizations.createAccount({ name: 'Prod' });
      const group = sim.identityStore.createGroup('Admins');
      const tags = (entries: Record<string, string>) => ({ Tags: Object.entries(entries).map(([Key, Value]) => ({ Key, Value })) });
      expect((await sim.cloudFormation.deploy('Home', home('Catalog', tags({ 'cdk-identity-center-permissions:catalog': 'cat-1', 'team': 'blue' })))).status)
        .toBe('CREATE_COMPLETE');
      const ps = sim.identityCenter.permissionSetByName('Catalog')!;
      expect(ps.tags).toEqual({ 'cdk-identity-center-permissions:catalog': 'cat-1', 'team': 'blue' });
      sim.identityCenter.addAssignment({ accountId: account.id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });
      // Someone tags the set by hand; the handler compares with the set's tags, not with the previous template.
      sim.identityCenter.tagPermissionSet(ps.arn, { 'added-by-hand': 'yes' });

      const updated = await sim.cloudFormation.deploy('Home', home('Catalog', tags({ 'cdk-identity-center-permissions:catalog': 'cat-1', 'team': 'green', 'owner': 'platform' })));
      expect(updated.status).toBe('UPDATE_COMPLETE');
      expect(sim.identityCenter.permissionSetTags(ps.arn)).toEqual({ 'cdk-identity-center-permissions:catalog': 'cat-1', 'team': 'green', 'owner': 'platform' });
      expect(sim.identityCenter.operations({ kind: 'PROVISION_PERMISSION_SET' })).toHaveLength(1);
      expect(sim.identityCenter.isLatestProvisioned(account.id, ps.arn)).toBe(true);

      expect((await sim.cloudFormation.deploy('Home', home('Catalog'))).status).toBe('UPDATE_COMPLETE');
      expect(sim.identityCenter.permissionSetTags(ps.arn)).toEqual({});
    });

    test('a tag the service refuses fails the create (GeneralServiceException) or the update, which rolls back', async () => {
      const created = await sim.cloudFormation.deploy('Home', home('Bad', { Tags: [{ Key: 'aws:reserved', Value: 'x' }] }));
      expect(created.status).toBe('ROLLBACK_COMPLETE');
      expect(created.events[at(created.events, 'PermissionSet', 'CREATE_FAILED')].reason)
        .toMatch(/^Resource handler returned message: "Tag keys starting with 'aws:' are reserved for AWS use: aws:reserved \(Service: SsoAdmin, Status Code: 400, .*HandlerErrorCode: GeneralServiceException\)$/);
      expect(sim.identityCenter.permissionSetByName('Bad')).toBeUndefined();

      await sim.cloudFormation.deploy('Other', home('Good', { Tags: [{ Key: 'team', Value: 'blue' }] }));
      const ps = sim.identityCenter.permissionSetByName('Good')!;
      // The old tag is untagged first, then TagResource refuses; the rollback's update tags the set back.
      const updated = await sim.cloudFormation.deploy('Other', home('Good', { Tags: [{ Key: 'owner', Value: 'me' }, { Key: 'aws:late', Value: 'x' }] }));
      expect(updated.events[at(updated.events, 'PermissionSet', 'UPDATE_FAILED')].reason)
        .toMatch(/^Resource handler returned message: "Tag keys starting with 'aws:' are reserved.*HandlerErrorCode: GeneralServiceException\)$/);
      expect(updated.status).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect(sim.identityCenter.permissionSetTags(ps.arn)).toEqual({ team: 'blue' });
    });

    test('import: the read handler returns the set\'s Tags (ListTagsForResource); the stack keeps the template\'s properties', async () => {
      const existing = sim.identityCenter.createPermissionSet({ name: 'Legacy', sessionDuration: 'PT4H', tags: { owner: 'someone', team: 'blue' } });
      const template = { Resources: { Legacy: permissionSet('Legacy', { Tags: [{ Key: 'team', Value: 'blue' }] }) } };
      const result = await sim.cloudFormation.importResources('Home', template, { Legacy: { InstanceArn: sim.identityCenter.instanceArn, PermissionSetArn: existing.arn } });
      expect(result.status).toBe('IMPORT_COMPLETE');
      const imported = sim.cloudFormation.stack('Home')!.resources.get('Legacy')!;
      expect(imported.properties.Tags).toEqual([{ Key: 'team', Value: 'blue' }]);
      expect(imported.readModel).toEqual({
        PermissionSetArn: existing.arn,
        InstanceArn: sim.identityCenter.instanceArn,
        Name: 'Legacy',
        SessionDuration: 'PT4H',
        Tags: [{ Key: 'owner', Value: 'someone' }, { Key: 'team', Value: 'blue' }],
        ManagedPolicies: [],
      });
    });

    test('a name already taken fails the create with AlreadyExists', async () => {
      sim.identityCenter.createPermissionSet({ name: 'Taken' });
      const result = await sim.cloudFormation.deploy('Home', home('Taken'));
      expect(result.status).toBe('ROLLBACK_COMPLETE');
      expect(result.events[at(result.events, 'PermissionSet', 'CREATE_FAILED')].reason)
        .toMatch(/^Resource handler returned message: "PermissionSet with name Taken already exists\..*HandlerErrorCode: AlreadyExists\)$/);
    });

    test('import: an existing permission set joins the stack with DeletionPolicy Retain; nothing else is created; a missing one rolls back', async () => {
      await sim.cloudFormation.deploy('Home', { Resources: { Other: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/other', Type: 'String', Value: 'v' } } } });
      const existing = sim.identityCenter.createPermissionSet({ name: 'Legacy' });
      const synthesized = {
        Resources: {
          Other: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/app/other', Type: 'String', Value: 'changed' } },
          Legacy: permissionSet('Legacy'),
          Unmapped: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'unmapped' } },
        },
      };
      const identifier = { InstanceArn: sim.identityCenter.instanceArn, PermissionSetArn: existing.arn };
      const force = { force: true };
      await expect(sim.cloudFormation.importResources('Home', synthesized, { Other: { Name: '/app/other' } }, force)).rejects.toThrow('already exists in the stack');
      await expect(sim.cloudFormation.importResources('Home', synthesized, { Legacy: { PermissionSetArn: existing.arn } }, force)).rejects.toThrow('primary identifier');

      const missing = await sim.cloudFormation.importResources('Home', synthesized, { Legacy: { ...identifier, PermissionSetArn: `${existing.arn.slice(0, -4)}0000` } }, force);
      expect(missing.status).toBe('IMPORT_ROLLBACK_COMPLETE');
      expect(sim.cloudFormation.stack('Home')!.resources.has('Legacy')).toBe(false);

      // `cdk import --force`: the additions in the mapping only; the change to Other waits for the next deploy.
      const result = await sim.cloudFormation.importResources('Home', synthesized, { Legacy: identifier }, force);
      expect(result.status).toBe('IMPORT_COMPLETE');
      expect(statusesOf(result.events, 'Legacy')).toEqual(['IMPORT_IN_PROGRESS', 'IMPORT_COMPLETE']);
      expect(result.warnings).toEqual([
        'Ignoring updated/deleted resources (--force): Other',
        'Legacy: no DeletionPolicy, imported with DeletionPolicy Retain (as cdk import does)',
        'Unmapped: new in the template but not in the mapping, not imported',
        'Some resources were skipped. Run another cdk import or a cdk deploy to bring the stack up-to-date with your CDK app definition.',
      ]);
      const stack = sim.cloudFormation.stack('Home')!;
      expect(stack.resources.get('Legacy')).toMatchObject({ physicalId: `${existing.arn}|${sim.identityCenter.instanceArn}`, attributes: { PermissionSetArn: existing.arn } });
      expect(stack.template.Resources.Legacy.DeletionPolicy).toBe('Retain');
      expect(sim.sqs.queue('unmapped')).toBeUndefined();
      expect(sim.ssm.get('/app/other')?.value).toBe('v');
      // Already managed: a second stack cannot import it.
      expect((await sim.cloudFormation.importResources('Other', { Resources: { Legacy: permissionSet('Legacy') } }, { Legacy: identifier })).status)
        .toBe('IMPORT_ROLLBACK_COMPLETE');

      const destroyed = await sim.cloudFormation.destroy('Home');
      expect(destroyed.status).toBe('DELETE_COMPLETE');
      expect(sim.identityCenter.permissionSet(existing.arn)).toBeDefined();
      expect(sim.cloudFormation.orphans()).toEqual([expect.objectContaining({ logicalId: 'Legacy', reason: 'retained' })]);
    });

    test('import without force: refused, as the CDK CLI refuses, when the template also updates or deletes resources', async () => {
      const parameter = (value: string, path?: string) => ({
        Type: 'AWS::SSM::Parameter', Properties: { Name: `/app/${value}`, Type: 'String', Value: value }, ...(path ? { Metadata: { 'aws:cdk:path': path } } : {}),
      });
      await sim.cloudFormation.deploy('Home', { Resources: { Kept: parameter('kept'), Changed: parameter('changed'), Removed: parameter('removed') } });
      const existing = sim.identityCenter.createPermissionSet({ name: 'Legacy' });
      const identifier = { InstanceArn: sim.identityCenter.instanceArn, PermissionSetArn: existing.arn };
      const refusal = (resources: string) => 'No resource updates or deletes are allowed on import operation. Make sure to resolve pending changes '
        + `to existing resources, before attempting an import. Updated/deleted resources: ${resources} (--force to override)`;
      // aws/aws-cdk-cli importer.ts discoverImportableResources: a removed resource or any difference (here Metadata) is a non-addition,
      // named by its construct path when the synthesized template has one; CDKMetadata does not count.
      const synthesized = {
        Resources: {
          Kept: parameter('kept'),
          Changed: parameter('changed', 'Home/Changed/Resource'),
          Legacy: { ...permissionSet('Legacy'), DeletionPolicy: 'RetainExceptOnCreate' },
          CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2' } },
        },
      };
      const refused = sim.cloudFormation.importResources('Home', synthesized, { Legacy: identifier });
      await expect(refused).rejects.toThrow(CloudFormationValidationError);
      await expect(refused).rejects.toThrow(refusal('Home/Changed/Resource, Removed'));
      expect(sim.cloudFormation.stack('Home')!.resources.has('Legacy')).toBe(false);
      expect(sim.cloudFormation.stack('Home')!.status).toBe('CREATE_COMPLETE');

      // Additions only: imported without force; the DeletionPolicy the template gives is kept.
      const additionsOnly = { Resources: { Kept: parameter('kept'), Changed: parameter('changed'), Removed: parameter('removed'), Legacy: synthesized.Resources.Legacy } };
      const imported = await sim.cloudFormation.importResources('Home', additionsOnly, { Legacy: identifier });
      expect(imported.status).toBe('IMPORT_COMPLETE');
      expect(imported.warnings).toEqual([]);
      expect(sim.cloudFormation.stack('Home')!.template.Resources.Legacy.DeletionPolicy).toBe('RetainExceptOnCreate');

      // The DeletionPolicy Retain the CLI adds to a resource without one is in the deployed template, not in the app's:
      // the next import without force sees a difference there until a deploy brings the stack up to date.
      const other = sim.identityCenter.createPermissionSet({ name: 'Other' });
      const next = { Resources: { ...additionsOnly.Resources, Second: permissionSet('Other') } };
      await sim.cloudFormation.importResources('Home', next, { Second: { ...identifier, PermissionSetArn: other.arn } });
      const third = sim.identityCenter.createPermissionSet({ name: 'Third' });
      await expect(sim.cloudFormation.importResources('Home', { Resources: { ...next.Resources, Third: permissionSet('Third') } },
        { Third: { ...identifier, PermissionSetArn: third.arn } })).rejects.toThrow(refusal('Second'));
      const forced = await sim.cloudFormation.importResources('Home', { Resources: { ...next.Resources, Third: permissionSet('Third') } },
        { Third: { ...identifier, PermissionSetArn: third.arn } }, { force: true });
      expect(forced.status).toBe('IMPORT_COMPLETE');
      expect(forced.warnings).toEqual([
        'Ignoring updated/deleted resources (--force): Second',
        'Third: no DeletionPolicy, imported with DeletionPolicy Retain (as cdk import does)',
        'Your app has pending updates or deletes excluded from this import operation. Run a cdk deploy to bring the stack up-to-date with your CDK app definition.',
      ]);
      // The ignored change (Second's policy) was not applied.
      expect(sim.cloudFormation.stack('Home')!.template.Resources.Second.DeletionPolicy).toBe('Retain');
    });
  });
});
