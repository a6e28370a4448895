import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AccountTarget,
  AssignmentAutomation,
  AssignmentAutomationProps,
  AssignmentRule,
  PermissionSetCatalog,
  PermissionSetRef,
  Principal,
} from '../src';
import { HeadDocument, PartDocument, assembleDocument } from '../src/reconciler/config/document';
import { parseHead, parsePart } from '../src/reconciler/config/schema';
import { CATALOG_TAG_KEY, DEFAULT_BUS_NAME, ENV as RECONCILER_ENV, MESSAGE_GROUP, METRICS, parameterNames } from '../src/reconciler/contract';

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const IDENTITY_STORE_ID = 'd-1234567890';
const ENV = { account: '111111111111', region: 'eu-west-1' };
const DEFAULT_NAMES = parameterNames(DEFAULT_BUS_NAME);
/** A permission set ARN of realistic length, standing in for Fn::GetAtt at deploy time. */
const FAKE_ARN = (i: number) => `arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-${String(i).padStart(16, '0')}`;

function setup(props: Partial<AssignmentAutomationProps> = {}, env: { account?: string; region?: string } | 'agnostic' = ENV) {
  const stack = new Stack(new App(), 'Home', { env: env === 'agnostic' ? undefined : env });
  const catalog = new PermissionSetCatalog(stack, 'Catalog', {
    instanceArn: INSTANCE_ARN,
    permissionSets: [
      { name: 'ReadOnly', awsManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')] },
      { name: 'PlatformAdmin', awsManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')] },
    ],
  });
  const automation = new AssignmentAutomation(stack, 'Assignments', {
    instanceArn: INSTANCE_ARN,
    identityStoreId: IDENTITY_STORE_ID,
    catalog,
    assignments: [
      { principal: Principal.group('Auditors'), permissionSet: catalog.permissionSet('ReadOnly'), target: AccountTarget.allAccounts() },
      { principal: Principal.group('Platform'), permissionSet: catalog.permissionSet('PlatformAdmin'), target: AccountTarget.organizationalUnit('Root/Platform') },
    ],
    ...props,
  });
  return { stack, catalog, automation };
}

/** Every SSM parameter of the config document: name, tier, value (tokens replaced by realistic ARNs), dependencies. */
function parametersOf(stack: Stack) {
  const template = Template.fromStack(stack);
  const arns = new Map<string, string>();
  const resolve = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(resolve).join(join[0]);
    const [logicalId] = (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    if (!arns.has(logicalId)) arns.set(logicalId, FAKE_ARN(arns.size));
    return arns.get(logicalId)!;
  };
  const config = Object.entries(template.findResources('AWS::SSM::Parameter')).filter(([, r]) => (r.Properties.Name as string).includes('/config'));
  return config.map(([logicalId, r]) => ({
    logicalId,
    name: r.Properties.Name as string,
    tier: r.Properties.Tier as string,
    value: resolve(r.Properties.Value),
    dependsOn: (r.DependsOn ?? []) as string[],
  }));
}

function headOf(stack: Stack): HeadDocument {
  const head = parametersOf(stack).find((p) => p.name.endsWith('/config'))!;
  const parsed = parseHead(head.value);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.value;
}

function policyStatements(stack: Stack): Array<{ Sid?: string; Action: string | string[]; Resource: unknown }> {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('AssignmentsServiceRole') }] } });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

function statement(stack: Stack, sid: string) {
  return policyStatements(stack).find((s) => s.Sid === sid);
}

function manyRules(count: number, permissionSet = PermissionSetRef.fromName('ReadOnly')): AssignmentRule[] {
  const targets = [
    (i: number) => AccountTarget.organizationalUnit(`Root/Workloads/Team-${i}`),
    (i: number) => AccountTarget.account(`workload-${i}-prod`),
    (i: number) => AccountTarget.accountsWithTag('team', `team-${i}`),
    (i: number) => AccountTarget.allAccounts().excluding(AccountTarget.organizationalUnit(`Suspended-${i}`, { includeNested: false })),
  ];
  return Array.from({ length: count }, (_, i) => ({
    principal: i % 5 === 0 ? Principal.user(`user-${i}@example.com`) : Principal.group(`AWS-Team-${i}-Developers`),
    permissionSet,
    target: targets[i % targets.length](i),
  }));
}

describe('AssignmentAutomation resources', () => {
  test('defaults: bus, FIFO queue and DLQ, Node.js 22 function, schedule, log retention, alarms', () => {
    const { stack, automation } = setup();
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::Events::EventBus', { Name: DEFAULT_BUS_NAME });
    expect(automation.eventBusArn).toBe(`arn:aws:events:eu-west-1:111111111111:event-bus/${DEFAULT_BUS_NAME}`);
    expect(automation.configParameterName).toBe(DEFAULT_NAMES.head);
    expect(automation.stateParameterPrefix).toBe(DEFAULT_NAMES.statePrefix);

    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: true,
      SqsManagedSseEnabled: true,
      // The function's timeout and a minute: a crashed run holds the one message group no longer than that.
      VisibilityTimeout: 900 + 60,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AssignmentsDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 3 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
    // enforceSSL on both queues
    template.resourcePropertiesCountIs('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    }, 2);

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 900,
      RecursiveLoop: 'Allow',
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('AssignmentsLogGroup') } },
      ReservedConcurrentExecutions: Match.absent(),
      Environment: {
        Variables: {
          [RECONCILER_ENV.configParameter]: DEFAULT_NAMES.head,
          [RECONCILER_ENV.statePrefix]: DEFAULT_NAMES.statePrefix,
          [RECONCILER_ENV.eventBusName]: DEFAULT_BUS_NAME,
          [RECONCILER_ENV.queueUrl]: { Ref: Match.stringLikeRegexp('AssignmentsQueue') },
          [RECONCILER_ENV.serviceName]: DEFAULT_BUS_NAME,
          [RECONCILER_ENV.metricsNamespace]: METRICS.namespace,
          [RECONCILER_ENV.teamsWebhookSecretArn]: Match.absent(),
          [RECONCILER_ENV.notificationTopicArn]: Match.absent(),
        },
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AssignmentsQueue'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(6 hours)',
      Targets: [Match.objectLike({ SqsParameters: { MessageGroupId: MESSAGE_GROUP } })],
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });

    // The role has no managed policy (no AWSLambdaBasicExecutionRole): logs go to its own log group.
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    expect(policyStatements(stack)).toContainEqual(expect.objectContaining({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AssignmentsLogGroup/), 'Arn'] },
    }));
  });

  test('the state table: on demand, point-in-time recovery, encrypted; kept and protected unless DESTROY', () => {
    const table = (removalPolicy?: RemovalPolicy) => {
      const resources = Template.fromStack(setup(removalPolicy ? { removalPolicy } : {}).stack).findResources('AWS::DynamoDB::Table');
      expect(Object.keys(resources)).toHaveLength(1);
      return Object.values(resources)[0] as { Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
    };
    for (const kept of [table(), table(RemovalPolicy.RETAIN)]) {
      expect(kept.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      });
      expect([kept.DeletionPolicy, kept.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    }
    const destroyed = table(RemovalPolicy.DESTROY);
    expect(destroyed.Properties).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: false,
    });
    expect(destroyed.DeletionPolicy).toBe('Delete');
  });

  test('every event rule targets the queue in the one message group', () => {
    const { stack } = setup();
    const rules = Template.fromStack(stack).findResources('AWS::Events::Rule');
    // schedule, principal created, config changed, assignments changed by hand, and the four kinds of forwarded organization events
    expect(Object.keys(rules)).toHaveLength(8);
    for (const rule of Object.values(rules)) {
      expect(rule.Properties.Targets).toEqual([{
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/^AssignmentsQueue/), 'Arn'] },
        Id: 'Target0',
        SqsParameters: { MessageGroupId: MESSAGE_GROUP },
      }]);
    }
  });

  test('the three alarms watch the dead-letter queue, function errors and failed assignments', () => {
    const { stack, automation } = setup();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS.namespace, MetricName: METRICS.configInvalid, Dimensions: [{ Name: METRICS.serviceDimension, Value: DEFAULT_BUS_NAME }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('AssignmentsDeadLetterQueue'), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Threshold: 1 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS.namespace,
      MetricName: METRICS.failed,
      Dimensions: [{ Name: METRICS.serviceDimension, Value: DEFAULT_BUS_NAME }],
      Statistic: 'Sum',
      Threshold: 1,
    });
    // Exposed so that users can add actions.
    expect(automation.deadLetterQueueAlarm.alarmArn).toBeDefined();
    expect(automation.errorsAlarm.alarmArn).toBeDefined();
    expect(automation.failedAssignmentsAlarm.alarmArn).toBeDefined();
  });

  test('every optional prop reaches its resource', () => {
    const stack0 = new Stack(new App(), 'Deps', { env: ENV });
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack0, 'Teams', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:teams-AbCdEf');
    const topic = sns.Topic.fromTopicArn(stack0, 'Topic', 'arn:aws:sns:eu-west-1:111111111111:assignments');
    const { stack, automation } = setup({
      groupNameSuffix: '@corp.example.com',
      schedule: events.Schedule.rate(Duration.hours(1)),
      dryRun: true,
      maxDeletionsPerRun: 25,
      teamsWebhookSecret: secret,
      notificationTopic: topic,
      eventBusName: 'assignments-prod',
      memorySize: 2048,
      timeout: Duration.minutes(10),
      logRetention: logs.RetentionDays.THREE_MONTHS,
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'assignments-prod' });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 2048,
      Timeout: 600,
      Environment: {
        Variables: Match.objectLike({
          [RECONCILER_ENV.configParameter]: parameterNames('assignments-prod').head,
          [RECONCILER_ENV.statePrefix]: parameterNames('assignments-prod').statePrefix,
          [RECONCILER_ENV.eventBusName]: 'assignments-prod',
          [RECONCILER_ENV.teamsWebhookSecretArn]: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:teams-AbCdEf',
          [RECONCILER_ENV.notificationTopicArn]: 'arn:aws:sns:eu-west-1:111111111111:assignments',
          // The guard settings are the function's, never the editable document's.
          [RECONCILER_ENV.dryRun]: 'true',
          [RECONCILER_ENV.maxDeletionsPerRun]: '25',
          [RECONCILER_ENV.stateTable]: { Ref: Match.stringLikeRegexp('AssignmentsState') },
        }),
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { ContentBasedDeduplication: true, VisibilityTimeout: 600 + 60 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    expect(automation.eventBusArn).toBe('arn:aws:events:eu-west-1:111111111111:event-bus/assignments-prod');
    expect(automation.configParameterName).toBe('/assignments-prod/config');

    const statements = policyStatements(stack);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:teams-AbCdEf',
    }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'sns:Publish', Resource: 'arn:aws:sns:eu-west-1:111111111111:assignments' }));

    const head = headOf(stack);
    expect(head.options).toEqual({ groupNameSuffix: '@corp.example.com' });
    expect(parametersOf(stack).map((p) => p.name)).toEqual(['/assignments-prod/config']);
  });

  test('the reconciler may put events on its bus and continuation messages on its queue', () => {
    const { stack } = setup();
    const statements = policyStatements(stack);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'events:PutEvents',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AssignmentsEventBus/), 'Arn'] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['sqs:SendMessage']),
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AssignmentsQueue/), 'Arn'] },
    }));
  });

  test('without an explicit env, eventBusArn is a token and a warning says how to fix it', () => {
    const { stack, automation } = setup({}, 'agnostic');
    expect(stack.resolve(automation.eventBusArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:event-bus/${DEFAULT_BUS_NAME}`]],
    });
    Annotations.fromStack(stack).hasWarning('/Home/Assignments', Match.stringLikeRegexp('eventBusArn is a token that another region cannot use.*give the stack env'));
  });

  test('a GovCloud instance gives a GovCloud bus ARN', () => {
    const stack = new Stack(new App(), 'Gov', { env: { account: '111111111111', region: 'us-gov-west-1' } });
    const automation = new AssignmentAutomation(stack, 'Assignments', {
      instanceArn: 'arn:aws-us-gov:sso:::instance/ssoins-1234567890abcdef',
      identityStoreId: IDENTITY_STORE_ID,
      assignments: manyRules(1),
    });
    expect(automation.eventBusArn).toBe(`arn:aws-us-gov:events:us-gov-west-1:111111111111:event-bus/${DEFAULT_BUS_NAME}`);
  });
});

describe('AssignmentAutomation modes', () => {
  test('management account outside us-east-1: organization events come forwarded, no direct rules, no bus policy', () => {
    const { stack } = setup();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules.filter((r) => r.Properties.EventBusName !== undefined)).toHaveLength(4);
    expect(rules.filter((r) => r.Properties.EventBusName === undefined && r.Properties.EventPattern?.source?.[0] === 'aws.organizations')).toHaveLength(0);
  });

  test('management account in us-east-1: organization and Control Tower events are matched on the default bus directly', () => {
    const { stack } = setup({}, { account: '111111111111', region: 'us-east-1' });
    const rules = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
    const direct = rules.filter((r) => r.Properties.EventBusName === undefined && r.Properties.EventPattern?.source);
    expect(direct.map((r) => r.Properties.EventPattern.source[0]).sort())
      .toEqual(['aws.controltower', 'aws.controltower', 'aws.organizations', 'aws.organizations', 'aws.ssm', 'aws.sso']);
  });

  test('delegated administrator: bus policy admits the management account, config names it, no IAM role permissions', () => {
    const { stack } = setup({ organizationManagementAccountId: '999999999999' }, { account: '111111111111', region: 'us-east-1' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::EventBusPolicy', {
      EventBusName: { Ref: Match.stringLikeRegexp('AssignmentsEventBus') },
      Statement: {
        Sid: 'cdk-AllowManagementAccountForwarder',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::999999999999:root']] } },
        Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('AssignmentsEventBus'), 'Arn'] },
      },
    });
    expect(headOf(stack).options.managementAccountId).toBe('999999999999');
    // Not the management account: Organizations events never arrive on this default bus.
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    expect(rules.filter((r) => r.Properties.EventBusName === undefined && r.Properties.EventPattern?.source?.[0] === 'aws.organizations')).toHaveLength(0);
    // four kinds of organization events, users and groups created, assignments changed by hand: forwarded from the management account
    expect(rules.filter((r) => r.Properties.EventBusName !== undefined)).toHaveLength(6);
    // The delegated administrator never assigns in the management account: no iam permissions.
    expect(policyStatements(stack).flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('iam:'))).toEqual([]);
    // The identity store and the organization belong to the management account.
    expect(JSON.stringify(statement(stack, 'ReadIdentityStore')!.Resource)).toContain(':identitystore::999999999999:identitystore/d-1234567890');
    expect(JSON.stringify(statement(stack, 'ReadAccountTags')!.Resource)).toContain(':organizations::999999999999:account/o-*/*');
    expect(JSON.stringify(statement(stack, 'ReadOrganizationTree')!.Resource)).toContain(':organizations::999999999999:ou/o-*/ou-*');
  });
});

describe('AssignmentAutomation least privilege', () => {
  test('assignment writes are scoped to the instance, accounts, and the permission sets that carry the catalog\'s tag', () => {
    const { stack } = setup();
    const writes = statement(stack, 'WriteAssignments')!;
    expect(writes.Action).toEqual(['sso:CreateAccountAssignment', 'sso:DeleteAccountAssignment', 'sso:ProvisionPermissionSet']);
    expect(writes.Resource).toEqual([INSTANCE_ARN, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sso:::account/*']] }]);
    // Permission sets by the catalog's tag: a retired one, gone from the template, can still be drained and deleted.
    const [permissionSet] = Object.values(Template.fromStack(stack).findResources('AWS::SSO::PermissionSet'));
    const tag = (permissionSet.Properties.Tags as Array<{ Key: string; Value: string }>).find((t) => t.Key === CATALOG_TAG_KEY)!;
    expect(statement(stack, 'WriteCatalogPermissionSets')).toEqual(expect.objectContaining({
      Action: ['sso:CreateAccountAssignment', 'sso:DeleteAccountAssignment', 'sso:ProvisionPermissionSet', 'sso:DeletePermissionSet'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sso:::permissionSet/ssoins-1234567890abcdef/*']] },
      Condition: { StringEquals: { [`aws:ResourceTag/${CATALOG_TAG_KEY}`]: tag.Value } },
    }));
    expect(statement(stack, 'RetireCatalogPermissionSets')).toEqual(expect.objectContaining({ Action: 'sso:DeletePermissionSet', Resource: INSTANCE_ARN }));
  });

  test('a rule with a permission set outside the catalog widens writes to the instance\'s permission sets, whose ARNs exist only at run time', () => {
    const { stack, automation } = setup();
    automation.addAssignment({ principal: Principal.user('break-glass@example.com'), permissionSet: PermissionSetRef.fromName('AWSAdministratorAccess'), target: AccountTarget.account('Security') });
    expect(statement(stack, 'WriteAssignments')!.Resource).toEqual([
      INSTANCE_ARN,
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sso:::permissionSet/ssoins-1234567890abcdef/*']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sso:::account/*']] },
    ]);
  });

  test('reads are scoped where the service allows: instance, identity store, config parameters, state path', () => {
    const { stack } = setup();
    expect(statement(stack, 'ReadIdentityCenter')!.Resource).toEqual([
      INSTANCE_ARN,
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sso:::permissionSet/ssoins-1234567890abcdef/*']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sso:::account/*']] },
    ]);
    expect(statement(stack, 'ReadIdentityStore')).toEqual(expect.objectContaining({
      Action: ['identitystore:DescribeGroup', 'identitystore:DescribeUser', 'identitystore:GetGroupId', 'identitystore:GetUserId'],
      Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':identitystore::111111111111:identitystore/d-1234567890']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':identitystore:::group/*']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':identitystore:::user/*']] },
      ],
    }));
    expect(statement(stack, 'ReadOrganizationRoots')).toEqual(expect.objectContaining({ Action: 'organizations:ListRoots', Resource: '*' }));
    expect(statement(stack, 'ReadOrganizationTree')).toEqual(expect.objectContaining({
      Action: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
      Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':organizations::111111111111:root/o-*/r-*']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':organizations::111111111111:ou/o-*/ou-*']] },
      ],
    }));
    expect(statement(stack, 'ReadAccountTags')).toEqual(expect.objectContaining({
      Action: 'organizations:ListTagsForResource',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':organizations::111111111111:account/o-*/*']] },
    }));
    expect(statement(stack, 'ReadConfig')).toEqual(expect.objectContaining({
      Action: ['ssm:GetParameter', 'ssm:GetParameters'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:eu-west-1:111111111111:parameter${DEFAULT_NAMES.head}`]] },
    }));
    expect(statement(stack, 'ReadLegacyState')).toEqual(expect.objectContaining({
      Action: ['ssm:GetParameter', 'ssm:GetParameters'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:eu-west-1:111111111111:parameter${DEFAULT_NAMES.statePrefix}/*`]] },
    }));
    expect(statement(stack, 'State')).toEqual(expect.objectContaining({
      Action: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^AssignmentsState/), 'Arn'] },
    }));
    // The state lives in the table; the only SSM writes are this automation's own claims, for its neighbours.
    const ssmWrites = policyStatements(stack).filter((s) => [s.Action].flat().some((a: string) => a === 'ssm:PutParameter'));
    expect(ssmWrites).toEqual([expect.objectContaining({
      Sid: 'PublishClaims',
      Action: ['ssm:DeleteParameters', 'ssm:PutParameter'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:eu-west-1:111111111111:parameter/cdk-identity-center-permissions/claims/ssoins-1234567890abcdef/${DEFAULT_BUS_NAME}/*`]] },
    })]);
  });

  test('an instance ARN given as a parameter still scopes the policy, and the bus ARN takes the partition of the region', () => {
    const stack = new Stack(new App(), 'Home', { env: ENV });
    const instanceArn = new CfnParameter(stack, 'InstanceArn').valueAsString;
    const automation = new AssignmentAutomation(stack, 'Assignments', { instanceArn, identityStoreId: IDENTITY_STORE_ID, assignments: manyRules(1) });
    expect(automation.eventBusArn).toBe(`arn:aws:events:eu-west-1:111111111111:event-bus/${DEFAULT_BUS_NAME}`);
    const instanceId = { 'Fn::Select': [1, { 'Fn::Split': ['/', { Ref: 'InstanceArn' }] }] };
    expect(statement(stack, 'WriteAssignments')!.Resource).toEqual([
      { Ref: 'InstanceArn' },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sso:::permissionSet/', instanceId, '/*']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sso:::account/*']] },
    ]);
  });

  test('in the management account, iam actions are confined to the roles and SAML provider Identity Center reserves', () => {
    const { stack } = setup();
    const iamStatements = policyStatements(stack).filter((s) => [s.Action].flat().some((a) => a.startsWith('iam:')));
    expect(iamStatements.map((s) => s.Resource)).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/aws-reserved/sso.amazonaws.com/*']] },
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:saml-provider/AWSSSO_*_DO_NOT_DELETE']] },
      '*',
    ]);
    expect(iamStatements[2].Action).toEqual(['iam:ListPolicies', 'iam:ListRoles']);
  });

  test('every wildcard of the policy carries a cdk-nag suppression with a reason', () => {
    const { stack } = setup();
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('AssignmentsServiceRole') }] },
    }))[0];
    const suppressions = policy.Metadata.cdk_nag.rules_to_suppress as Array<{ id: string; reason: string }>;
    expect(suppressions.length).toBeGreaterThanOrEqual(7);
    for (const s of suppressions) {
      expect(s.id).toBe('AwsSolutions-IAM5');
      expect(s.reason.length).toBeGreaterThan(60);
    }
  });
});

describe('the config document', () => {
  test('is valid for the reconciler, deterministic, with catalog ARNs, sorted permission sets and rules in order', () => {
    const { stack, automation } = setup();
    automation.addAssignment({
      principal: Principal.groupId('9a672b3b-1234-4c5d-8e9f-0123456789ab'),
      permissionSet: PermissionSetRef.fromName('AWSAdministratorAccess'),
      target: AccountTarget.allAccounts().excluding(AccountTarget.account('Sandbox')),
    });
    const head = headOf(stack);
    expect(head).toEqual({
      version: 2,
      revision: expect.stringMatching(/^[0-9a-f]{16}$/),
      parts: [],
      instanceArn: INSTANCE_ARN,
      identityStoreId: IDENTITY_STORE_ID,
      options: {},
      permissionSets: [
        { name: 'AWSAdministratorAccess' },
        { name: 'PlatformAdmin', arn: expect.stringMatching(/^arn:aws:sso:::permissionSet\//) },
        { name: 'ReadOnly', arn: expect.stringMatching(/^arn:aws:sso:::permissionSet\//) },
      ],
      rules: [
        { principal: { group: 'Auditors' }, permissionSet: 'ReadOnly', target: { all: true } },
        { principal: { group: 'Platform' }, permissionSet: 'PlatformAdmin', target: { ou: 'Root/Platform' } },
        { principal: { groupId: '9a672b3b-1234-4c5d-8e9f-0123456789ab' }, permissionSet: 'AWSAdministratorAccess', target: { all: true, exclude: [{ account: 'Sandbox' }] } },
      ],
    });
    // The same app synthesizes the same value.
    const again = setup();
    again.automation.addAssignment({
      principal: Principal.groupId('9a672b3b-1234-4c5d-8e9f-0123456789ab'),
      permissionSet: PermissionSetRef.fromName('AWSAdministratorAccess'),
      target: AccountTarget.allAccounts().excluding(AccountTarget.account('Sandbox')),
    });
    expect(parametersOf(again.stack)).toEqual(parametersOf(stack));
  });

  test('the revision changes when the rules do', () => {
    const a = setup();
    const b = setup({ groupNameSuffix: '@corp.example.com' });
    const c = setup();
    c.automation.addAssignment({ principal: Principal.group('Extra'), permissionSet: PermissionSetRef.fromName('X'), target: AccountTarget.allAccounts() });
    expect(headOf(a.stack).revision).not.toEqual(headOf(b.stack).revision);
    expect(headOf(a.stack).revision).not.toEqual(headOf(c.stack).revision);
    // Guard settings are not in the document: changing them is no new revision (the function's configuration changes).
    expect(headOf(setup({ dryRun: true }).stack).revision).toEqual(headOf(a.stack).revision);
  });

  test('catalog permission sets added after the automation are in the config', () => {
    const { stack, catalog } = setup();
    catalog.addPermissionSet({ name: 'Billing' });
    expect(headOf(stack).permissionSets.map((p) => p.name)).toEqual(['Billing', 'PlatformAdmin', 'ReadOnly']);
  });

  test('is written after the permission sets exist, the rule that reports its changes, the function\'s code, policy and event source, and the lifecycle checks', () => {
    const { stack } = setup();
    const [head] = parametersOf(stack);
    const template = Template.fromStack(stack);
    const permissionSets = Object.keys(template.findResources('AWS::SSO::PermissionSet'));
    expect(permissionSets).toHaveLength(2);
    const changeRule = Object.keys(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.ssm'] } } }));
    const fn = Object.keys(template.findResources('AWS::Lambda::Function'));
    const eventSource = Object.keys(template.findResources('AWS::Lambda::EventSourceMapping'));
    const role = Object.keys(template.findResources('AWS::IAM::Role'));
    const policy = Object.keys(template.findResources('AWS::IAM::Policy'));
    const lifecycle = [
      ...Object.keys(template.findResources('Custom::IdentityCenterCatalogGeneration')),
      ...Object.keys(template.findResources('Custom::IdentityCenterAssignmentLifecycle')),
    ];
    expect(lifecycle).toHaveLength(2);
    expect(head.dependsOn.sort()).toEqual([...permissionSets, ...changeRule, ...fn, ...eventSource, ...role, ...policy, ...lifecycle].sort());
  });

  test('a small config is one parameter that SSM stores as Standard', () => {
    const { stack } = setup();
    const parameters = parametersOf(stack);
    expect(parameters).toHaveLength(1);
    expect(parameters[0].tier).toBe('Intelligent-Tiering');
    expect(Buffer.byteLength(parameters[0].value)).toBeLessThanOrEqual(4096);
  });

  test('a config between 4 and 8 KB is one parameter, stored as Advanced', () => {
    const { stack } = setup({ assignments: manyRules(60) });
    const parameters = parametersOf(stack);
    expect(parameters).toHaveLength(1);
    expect(parameters[0].tier).toBe('Intelligent-Tiering');
    const size = Buffer.byteLength(parameters[0].value);
    expect(size).toBeGreaterThan(4096);
    expect(size).toBeLessThanOrEqual(8192);
  });

  test('2,000 rules: split over Advanced parameters, each under 8 KB, reassembled by the reconciler into the same 2,000 rules', () => {
    const rules = manyRules(2000);
    const { stack } = setup({ assignments: rules });
    const parameters = parametersOf(stack);
    const head = parameters.find((p) => p.name === DEFAULT_NAMES.head)!;
    const parts = parameters.filter((p) => p !== head);

    // Tiers, counts and sizes.
    expect(head.tier).toBe('Intelligent-Tiering');
    expect(parts.every((p) => p.tier === 'Advanced')).toBe(true);
    const total = parameters.reduce((sum, p) => sum + Buffer.byteLength(p.value), 0);
    expect(parts.length).toBeGreaterThanOrEqual(Math.ceil(total / 8192) - 1);
    expect(parts.length).toBeLessThanOrEqual(Math.ceil(total / 8192) + 1);
    for (const p of parameters) expect({ name: p.name, bytes: Buffer.byteLength(p.value) <= 8192 }).toEqual({ name: p.name, bytes: true });
    expect(parts.map((p) => p.name)).toEqual(parts.map((_, i) => DEFAULT_NAMES.part(i + 1)));

    // The head is written last.
    for (const part of parts) expect(head.dependsOn).toContain(part.logicalId);

    // What the reconciler reads: the schema accepts every piece, and assembly gives the rules back in order.
    const parsedHead = parseHead(head.value);
    if ('error' in parsedHead) throw new Error(parsedHead.error);
    expect(parsedHead.value.parts).toEqual(parts.map((p) => p.name));
    const parsedParts: PartDocument[] = parts.map((p) => {
      const parsed = parsePart(p.value);
      if ('error' in parsed) throw new Error(parsed.error);
      expect(parsed.value.revision).toBe(parsedHead.value.revision);
      return parsed.value;
    });
    const assembled = assembleDocument(parsedHead.value, parsedParts);
    if ('inconsistent' in assembled) throw new Error(assembled.inconsistent);
    expect(assembled.document.rules).toHaveLength(2000);
    expect(assembled.document.rules).toEqual(rules.map((r) => ({
      principal: r.principal._toDocument(), permissionSet: r.permissionSet.permissionSetName, target: r.target._toDocument(),
    })));

    // The reconciler may read every piece, and a change of any piece starts a run.
    const readConfig = statement(stack, 'ReadConfig')!.Resource as unknown[];
    expect(readConfig).toHaveLength(parameters.length);
    const changeRule = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.ssm'] } } }))[0];
    expect(changeRule.Properties.EventPattern.detail.name).toEqual([head.name, ...parts.map((p) => p.name)]);
  });
});

describe('AssignmentAutomation validation', () => {
  const base = { instanceArn: INSTANCE_ARN, identityStoreId: IDENTITY_STORE_ID, assignments: manyRules(1) };
  const create = (props: Partial<AssignmentAutomationProps>, env: { account?: string; region?: string } = ENV) =>
    new AssignmentAutomation(new Stack(new App(), 'S', { env }), 'A', { ...base, ...props });

  test('malformed instance ARN', () => {
    expect(() => create({ instanceArn: 'ssoins-1234567890abcdef' })).toThrow("instance arn 'ssoins-1234567890abcdef' is malformed");
  });

  test('every problem is reported at once, each named by the construct path', () => {
    let message = '';
    try {
      create({ instanceArn: 'ssoins-1234567890abcdef', maxDeletionsPerRun: -1, memorySize: 64 });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/^S\/A: instance arn 'ssoins-1234567890abcdef' is malformed/),
      expect.stringMatching(/^S\/A: maxDeletionsPerRun is -1/),
      expect.stringMatching(/^S\/A: memorySize is 64 MiB/),
    ]);
  });

  test('a rule with several problems names them all, under the automation path', () => {
    const { automation } = setup();
    expect(() => automation.addAssignment({ principal: Principal.group('A'), permissionSet: PermissionSetRef.fromName('bad name'), target: AccountTarget.allAccounts() }))
      .toThrow(/^Home\/Assignments: rule \d+ \(group A -> bad name @ all accounts\): permission set name 'bad name' is malformed/);
  });

  test('malformed identity store id', () => {
    expect(() => create({ identityStoreId: 'd-123' })).toThrow("identity store id 'd-123' is malformed; expected the form d-1234567890");
  });

  test('a catalog of another instance', () => {
    const stack = new Stack();
    const catalog = new PermissionSetCatalog(stack, 'Catalog', { instanceArn: 'arn:aws:sso:::instance/ssoins-abcdefabcdefabcd' });
    expect(() => new AssignmentAutomation(stack, 'A', { ...base, catalog }))
      .toThrow("catalog 'Default/Catalog' belongs to instance arn:aws:sso:::instance/ssoins-abcdefabcdefabcd, but the automation's instanceArn is "
        + `${INSTANCE_ARN}; use the same Identity Center instance for both`);
  });

  test('an event bus name that cannot name SSM parameters', () => {
    expect(() => create({ eventBusName: 'aws-assignments' })).toThrow("event bus name 'aws-assignments' is not usable; it also names the SSM parameters");
    expect(() => create({ eventBusName: 'my bus' })).toThrow("event bus name 'my bus' is not usable");
    expect(() => create({ eventBusName: 'default' })).toThrow("event bus name 'default' is not usable");
  });

  test('maxDeletionsPerRun below zero or fractional', () => {
    expect(() => create({ maxDeletionsPerRun: -1 })).toThrow('maxDeletionsPerRun is -1; it must be a whole number of 0 or more');
    expect(() => create({ maxDeletionsPerRun: 1.5 })).toThrow('maxDeletionsPerRun is 1.5');
  });

  test('memorySize outside what Lambda accepts', () => {
    expect(() => create({ memorySize: 64 })).toThrow('memorySize is 64 MiB; Lambda accepts whole numbers from 128 to 10240');
  });

  test('timeout outside 2 to 15 minutes', () => {
    expect(() => create({ timeout: Duration.seconds(30) })).toThrow('timeout is 30 seconds; it must be from 2 to 15 minutes');
    expect(() => create({ timeout: Duration.minutes(20) })).toThrow('timeout is 20 minutes; it must be from 2 to 15 minutes');
  });

  test('empty groupNameSuffix', () => {
    expect(() => create({ groupNameSuffix: '' })).toThrow('groupNameSuffix is empty; omit it to look group names up as written');
  });

  test('malformed management account id', () => {
    expect(() => create({ organizationManagementAccountId: '1234' })).toThrow("organizationManagementAccountId '1234' is malformed; expected the form of 12 digits");
  });

  test('the management account id is this stack\'s own account', () => {
    expect(() => create({ organizationManagementAccountId: '111111111111' }))
      .toThrow("organizationManagementAccountId 111111111111 is this stack's own account; omit it when deploying in the management account");
  });

  test('a catalog permission set without the catalog', () => {
    const { catalog } = setup();
    expect(() => create({ assignments: [{ principal: Principal.group('A'), permissionSet: catalog.permissionSet('ReadOnly'), target: AccountTarget.allAccounts() }] }))
      .toThrow("rule 1 (group A -> ReadOnly @ all accounts): permission set 'ReadOnly' comes from a catalog, but this automation has no catalog; "
        + 'pass it as the catalog prop, or use PermissionSetRef.fromName');
  });

  test('a permission set of another catalog', () => {
    const { automation } = setup();
    const other = new PermissionSetCatalog(new Stack(), 'Other', { instanceArn: INSTANCE_ARN, permissionSets: [{ name: 'Billing' }] });
    expect(() => automation.addAssignment({ principal: Principal.group('A'), permissionSet: other.permissionSet('Billing'), target: AccountTarget.allAccounts() }))
      .toThrow("rule 3 (group A -> Billing @ all accounts): permission set 'Billing' is not in the automation's catalog 'Home/Catalog'; add it to that catalog");
  });

  test('a permission set name Identity Center would reject', () => {
    expect(() => create({ assignments: [{ principal: Principal.group('A'), permissionSet: PermissionSetRef.fromName('Read Only'), target: AccountTarget.allAccounts() }] }))
      .toThrow("rule 1 (group A -> Read Only @ all accounts): permission set name 'Read Only' is malformed; names are 1 to 32 characters of [\\w+=,.@-]");
  });

  test('a duplicate rule, whatever the order of its exclusions', () => {
    const { automation } = setup();
    expect(() => automation.addAssignment({ principal: Principal.group('Auditors'), permissionSet: PermissionSetRef.fromName('ReadOnly'), target: AccountTarget.allAccounts() }))
      .toThrow('rule 3 (group Auditors -> ReadOnly @ all accounts) duplicates rule 1; remove one of them');
    const a = AccountTarget.account('A');
    const b = AccountTarget.account('B');
    automation.addAssignment({ principal: Principal.group('X'), permissionSet: PermissionSetRef.fromName('ReadOnly'), target: AccountTarget.allAccounts().excluding(a, b) });
    expect(() => automation.addAssignment({ principal: Principal.group('X'), permissionSet: PermissionSetRef.fromName('ReadOnly'), target: AccountTarget.allAccounts().excluding(b, a) }))
      .toThrow('duplicates rule 3');
  });

  test('no rules at all fails synthesis', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new AssignmentAutomation(stack, 'A', { instanceArn: INSTANCE_ARN, identityStoreId: IDENTITY_STORE_ID });
    expect(() => Template.fromStack(stack)).toThrow("assignment automation 'S/A' has no assignment rules; pass assignments or call addAssignment");
  });

  test('rules added after synthesis started are refused', () => {
    const { stack, automation } = setup();
    Template.fromStack(stack);
    expect(() => automation.addAssignment({ principal: Principal.group('Late'), permissionSet: PermissionSetRef.fromName('ReadOnly'), target: AccountTarget.allAccounts() }))
      .toThrow("cannot add an assignment rule to 'Home/Assignments' after synthesis started");
  });

  test('a catalog of 400 permission sets (CloudFormation allows 500 resources a stack) spills into parts, and the reconciler reads every ARN back', () => {
    // The automation adds a fixed number of resources, whatever the catalog's size.
    const stack = new Stack(new App(), 'S', { env: ENV });
    const catalog = new PermissionSetCatalog(stack, 'Catalog', {
      instanceArn: INSTANCE_ARN,
      permissionSets: Array.from({ length: 400 }, (_, i) => ({ name: `PermissionSet-${String(i).padStart(3, '0')}` })),
    });
    new AssignmentAutomation(stack, 'A', { ...base, catalog });
    const parameters = parametersOf(stack);
    expect(parameters.length).toBeGreaterThan(2);
    // Every piece fits, with the deploy-time ARNs filled in.
    for (const p of parameters) expect(Buffer.byteLength(p.value)).toBeLessThanOrEqual(8192);
    const head = parameters.find((p) => p.name === DEFAULT_NAMES.head)!;
    const names = (value: string) => [...value.matchAll(/"name":"(PermissionSet-\d{3})"/g)].map((m) => m[1]);
    expect(parameters.flatMap((p) => names(p.value)).sort()).toEqual(catalog.permissionSets.map((ps) => ps.permissionSetName).sort());
    expect(names(head.value).length).toBeLessThan(400);
  });
});
