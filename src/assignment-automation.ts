import { Annotations, AspectPriority, Aspects, Duration, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { AssignmentRule } from './assignment-rule';
import { PermissionSetCatalog } from './permission-set-catalog';
import { validateProps } from './private/automation-props';
import { parameterNames, planConfigStorage } from './private/config-storage';
import { IDENTITY_STORE_PRINCIPAL_CREATED, ORGANIZATION_PATTERNS, configChangePattern } from './private/event-patterns';
import { grantReconcilerPermissions } from './private/reconciler-policy';
import { CONFIG_VERSION, ConfigDocument, OptionsDocument, PermissionSetDocument, RuleDocument, describeRule } from './reconciler/config/document';
import { ReconcileFunction } from './reconciler/reconcile-function';
import { ENV } from './reconciler/runtime-config';

/** What the reconciler's metrics are published under (src/reconciler/reconcile.lambda.ts). */
const METRICS_NAMESPACE = 'IdentityCenterAssignments';
/** The one FIFO message group: every run, event and continuation is serialized through it. */
const MESSAGE_GROUP = 'reconcile';
const DEFAULT_BUS_NAME = 'identity-center-assignments';
const DEFAULT_MAX_DELETIONS = 100;
const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;
const MAX_TIMEOUT = Duration.minutes(15);

/**
 * Properties of an `AssignmentAutomation`.
 */
export interface AssignmentAutomationProps {
  /**
   * The ARN of the Identity Center instance, `arn:aws:sso:::instance/ssoins-...`.
   */
  readonly instanceArn: string;

  /**
   * The id of the instance's identity store, `d-...`.
   */
  readonly identityStoreId: string;

  /**
   * The permission sets this automation manages.
   *
   * Their ARNs go into the config document (no lookup at run time), the config is written only
   * after they exist, and their assignments to managed principals are kept equal to the rules:
   * an assignment of a catalog permission set that no rule asks for is removed.
   *
   * @default - only the permission sets named by rules with `PermissionSetRef.fromName` are managed
   */
  readonly catalog?: PermissionSetCatalog;

  /**
   * The assignment rules; more can be added with `addAssignment`.
   *
   * @default - none; at least one rule must be added before synthesis
   */
  readonly assignments?: AssignmentRule[];

  /**
   * A suffix appended to every group display name before it is looked up, such as
   * `@corp.example.com` for groups synchronized from Active Directory (the seed's AdDomain).
   *
   * @default - group names are looked up as written
   */
  readonly groupNameSuffix?: string;

  /**
   * How often a full reconcile runs, on top of the runs that events trigger.
   *
   * The schedule repairs drift that no event announces (assignments changed by hand, events lost
   * because no CloudTrail trail was configured).
   *
   * @default events.Schedule.rate(Duration.hours(6))
   */
  readonly schedule?: events.Schedule;

  /**
   * Plan and report only: the reconciler computes and reports every change, and makes none.
   *
   * @default false
   */
  readonly dryRun?: boolean;

  /**
   * The most assignments one run may delete; a run that would delete more deletes none and
   * reports why.
   *
   * A renamed OU, a group renamed in the identity provider or a mistyped rule can make hundreds of
   * assignments look obsolete at once. 100 covers day-to-day churn (a team leaving a dozen
   * accounts) while a larger removal waits for a person to raise the limit or fix the rule.
   *
   * @default 100
   */
  readonly maxDeletionsPerRun?: number;

  /**
   * A secret holding the URL of a Microsoft Teams Workflows webhook (the whole secret string, or
   * its `url` field); run summaries with changes or errors are posted there as Adaptive Cards.
   *
   * @default - no Teams notifications
   */
  readonly teamsWebhookSecret?: secretsmanager.ISecret;

  /**
   * An SNS topic that receives run summaries with changes or errors.
   *
   * @default - no SNS notifications
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * The name of the automation's event bus, also the prefix of its SSM parameters
   * (`/<eventBusName>/config`).
   *
   * The name is fixed so that the `OrgEventBridge` in us-east-1 can target the bus without a
   * cross-region reference; give each automation of an account and region its own name.
   *
   * @default 'identity-center-assignments'
   */
  readonly eventBusName?: string;

  /**
   * The organization's management account, when this automation runs in a delegated
   * administrator account of Identity Center.
   *
   * The event bus then admits events forwarded from that account, and the reconciler never plans
   * changes in the management account (the delegated administrator cannot make them).
   *
   * @default - this stack is deployed in the management account
   */
  readonly organizationManagementAccountId?: string;

  /**
   * The memory of the reconciler function, in MiB.
   *
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * The timeout of the reconciler function, from 2 to 15 minutes. A run that needs longer stops
   * cleanly and continues in a follow-up invocation.
   *
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;

  /**
   * How long the reconciler's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Keeps the Identity Center account assignments of an organization equal to a set of rules,
 * reacting to Organizations, Control Tower and Identity Store events and to a schedule.
 *
 * Deploy it in the Identity Center home region of the management account (or of a delegated
 * administrator account, with `organizationManagementAccountId`), and an `OrgEventBridge` in
 * us-east-1 of the management account to forward Organizations events. Give the stack an explicit
 * `env` (account and region): `eventBusArn` is then a plain string the us-east-1 stack can use.
 *
 * @example
 * const catalog = new PermissionSetCatalog(this, 'Catalog', {
 *   instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
 *   permissionSets: [{ name: 'ReadOnly', awsManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')] }],
 * });
 * new AssignmentAutomation(this, 'Assignments', {
 *   instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
 *   identityStoreId: 'd-1234567890',
 *   catalog,
 *   assignments: [{
 *     principal: Principal.group('Auditors'),
 *     permissionSet: catalog.permissionSet('ReadOnly'),
 *     target: AccountTarget.allAccounts(),
 *   }],
 * });
 */
export class AssignmentAutomation extends Construct {
  /**
   * The automation's event bus: forwarded organization events arrive here, and the reconciler
   * publishes its run summaries (`Assignment Reconcile Summary`) and changes
   * (`Account Assignment Change`) here, with source `cdk-identity-center-permissions`.
   */
  public readonly eventBus: events.EventBus;

  /**
   * The ARN of the event bus, for `OrgEventBridge.targetEventBusArn`.
   *
   * A plain string when the stack's account and region are concrete, so another stack in
   * another region can use it without a cross-region reference.
   */
  public readonly eventBusArn: string;

  /**
   * The reconciler function.
   */
  public readonly function: lambda.Function;

  /**
   * The FIFO queue in front of the reconciler: every trigger is a message of one message group,
   * so runs never overlap and bursts of events are handled by one run.
   */
  public readonly queue: sqs.Queue;

  /**
   * Where messages land whose run failed three times.
   */
  public readonly deadLetterQueue: sqs.Queue;

  /**
   * The reconciler's log group.
   */
  public readonly logGroup: logs.LogGroup;

  /**
   * The name of the SSM parameter holding the config document (its head, when it is split).
   */
  public readonly configParameterName: string;

  /**
   * The SSM path under which the reconciler keeps its state (what it manages).
   */
  public readonly stateParameterPrefix: string;

  /**
   * In alarm when a message is in the dead-letter queue: a run failed three times in a row.
   */
  public readonly deadLetterQueueAlarm: cloudwatch.Alarm;

  /**
   * In alarm when the reconciler function fails (a run that could not read the organization, a crash).
   */
  public readonly errorsAlarm: cloudwatch.Alarm;

  /**
   * In alarm when a run reports assignments that Identity Center failed to create or delete.
   */
  public readonly failedAssignmentsAlarm: cloudwatch.Alarm;

  private readonly props: AssignmentAutomationProps;
  private readonly busName: string;
  private readonly managementAccountId: string;
  private readonly rules: AssignmentRule[] = [];
  private readonly ruleIndexByKey = new Map<string, number>();
  private rendered = false;

  constructor(scope: Construct, id: string, props: AssignmentAutomationProps) {
    super(scope, id);
    this.props = props;
    const stack = Stack.of(this);
    validateProps(this, props);

    this.busName = props.eventBusName ?? DEFAULT_BUS_NAME;
    const names = parameterNames(this.busName);
    this.configParameterName = names.head;
    this.stateParameterPrefix = names.statePrefix;
    this.managementAccountId = props.organizationManagementAccountId ?? stack.account;
    const delegated = props.organizationManagementAccountId !== undefined;

    // Event bus, named so that the us-east-1 forwarder can target it by ARN.
    this.eventBus = new events.EventBus(this, 'EventBus', { eventBusName: this.busName });
    this.eventBusArn = eventBusArnOf(stack, this.busName, props.instanceArn);
    if (Token.isUnresolved(this.eventBusArn)) {
      Annotations.of(this).addWarningV2('cdk-identity-center-permissions:envAgnosticEventBus',
        'the stack has no explicit account and region, so eventBusArn is a token that another region cannot use, and '
        + 'Organizations events are not matched directly even in us-east-1; give the stack env: { account, region }');
    }
    if (delegated) {
      this.eventBus.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowManagementAccountForwarder',
        principals: [new iam.AccountPrincipal(props.organizationManagementAccountId)],
        actions: ['events:PutEvents'],
        resources: [this.eventBus.eventBusArn],
      }));
    }

    // FIFO queue with one message group: runs never overlap, a burst of events becomes one batch.
    const timeout = props.timeout ?? MAX_TIMEOUT;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: true,
      contentBasedDeduplication: true,
      // A message stays invisible while its run (and the retries Lambda makes) may still be going.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    const role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Reconciles IAM Identity Center account assignments with the assignment rules',
    });
    this.logGroup.grantWrite(role);

    const environment: Record<string, string> = {
      [ENV.configParameter]: names.head,
      [ENV.statePrefix]: names.statePrefix,
      [ENV.eventBusName]: this.busName,
      [ENV.queueUrl]: this.queue.queueUrl,
      // Metrics carry the service as a dimension: the bus name keeps two automations' alarms apart.
      POWERTOOLS_SERVICE_NAME: this.busName,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    };
    if (props.teamsWebhookSecret) environment[ENV.teamsWebhookSecretArn] = props.teamsWebhookSecret.secretArn;
    if (props.notificationTopic) environment[ENV.notificationTopicArn] = props.notificationTopic.topicArn;

    this.function = new ReconcileFunction(this, 'Function', {
      description: 'Reconciles IAM Identity Center account assignments with the assignment rules',
      memorySize: props.memorySize ?? 1024,
      timeout,
      role,
      logGroup: this.logGroup,
      environment,
      // Continuations go through the queue back to this function; the reconciler bounds them
      // itself (100 at most), so Lambda's recursive loop detection (16) must not cut them short.
      recursiveLoop: lambda.RecursiveLoop.ALLOW,
    });
    this.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 10 }));
    this.queue.grantSendMessages(this.function);
    this.eventBus.grantPutEventsTo(this.function);
    props.teamsWebhookSecret?.grantRead(this.function);
    props.notificationTopic?.grantPublish(this.function);

    // Triggers. SSM, Identity Store and schedule events arrive on this region's default bus;
    // organization events forwarded from us-east-1 arrive on the automation's bus.
    const target = new targets.SqsQueue(this.queue, { messageGroupId: MESSAGE_GROUP });
    new events.Rule(this, 'Schedule', {
      description: 'Periodic full reconcile of the Identity Center account assignments',
      schedule: props.schedule ?? events.Schedule.rate(Duration.hours(6)),
      targets: [target],
    });
    new events.Rule(this, 'PrincipalCreated', {
      description: 'Identity Store: a user or group was created',
      eventPattern: IDENTITY_STORE_PRINCIPAL_CREATED,
      targets: [target],
    });
    for (const { id: ruleId, description, pattern } of ORGANIZATION_PATTERNS) {
      new events.Rule(this, `Forwarded${ruleId}`, {
        description: `${description} (forwarded)`,
        eventBus: this.eventBus,
        eventPattern: pattern,
        targets: [target],
      });
    }
    if (delegated) {
      // The management account's Identity Store events, forwarded by an OrgEventBridge there.
      new events.Rule(this, 'ForwardedPrincipalCreated', {
        description: 'Identity Store: a user or group was created (forwarded)',
        eventBus: this.eventBus,
        eventPattern: IDENTITY_STORE_PRINCIPAL_CREATED,
        targets: [target],
      });
    } else if (stack.region === 'us-east-1') {
      // Organizations publishes its events in us-east-1 only: here they need no forwarding.
      for (const { id: ruleId, description, pattern } of ORGANIZATION_PATTERNS) {
        new events.Rule(this, ruleId, { description, eventPattern: pattern, targets: [target] });
      }
    }

    // Alarms, exposed so that users can add actions: each fires on the first occurrence.
    const alarm = (alarmId: string, alarmDescription: string, metric: cloudwatch.IMetric) => new cloudwatch.Alarm(this, alarmId, {
      alarmDescription,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const period = Duration.minutes(5);
    this.deadLetterQueueAlarm = alarm('DeadLetterQueueAlarm',
      'Identity Center assignments: a reconcile failed three times; its message is in the dead-letter queue',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }));
    this.errorsAlarm = alarm('ErrorsAlarm',
      'Identity Center assignments: the reconciler failed (see its log group)',
      this.function.metricErrors({ period, statistic: 'Sum' }));
    this.failedAssignmentsAlarm = alarm('FailedAssignmentsAlarm',
      'Identity Center assignments: Identity Center failed to create or delete assignments (see the run summary)',
      new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: 'AssignmentsFailed', dimensionsMap: { service: this.busName }, period, statistic: 'Sum' }));

    for (const rule of props.assignments ?? []) this.addAssignment(rule);
    this.node.addValidation({
      validate: () => this.rules.length === 0
        ? [`assignment automation '${this.node.path}' has no assignment rules; pass assignments or call addAssignment (an empty config makes the reconciler refuse to act)`]
        : [],
    });

    // The config document depends on everything added until synthesis (rules, catalog permission
    // sets), and so do the number of SSM parameters and the policy that reads them: they are
    // created once, when synthesis starts, before any read-only aspect (cdk-nag) runs.
    const automation = this;
    const render: IAspect = { visit: (node: IConstruct) => { if (node === automation) automation.render(); } };
    Aspects.of(this).add(render, { priority: AspectPriority.MUTATING });
  }

  /**
   * Adds an assignment rule.
   *
   * @throws if the rule duplicates another, or uses a permission set that is neither in the
   * automation's catalog nor named with `PermissionSetRef.fromName`
   */
  public addAssignment(rule: AssignmentRule): void {
    if (this.rendered) {
      throw new Error(`cannot add an assignment rule to '${this.node.path}' after synthesis started; add rules before synthesizing the app`);
    }
    const index = this.rules.length;
    const document = toRuleDocument(rule);
    const description = describeRule(document, index);
    const name = rule.permissionSet.permissionSetName;
    if (!Token.isUnresolved(name) && !PERMISSION_SET_NAME.test(name)) {
      throw new Error(`${description}: permission set name '${name}' is malformed; names are 1 to 32 characters of [\\w+=,.@-]`);
    }
    const arn = rule.permissionSet.permissionSetArn;
    if (arn !== undefined) {
      const catalog = this.props.catalog;
      if (!catalog) {
        throw new Error(`${description}: permission set '${name}' comes from a catalog, but this automation has no catalog; `
          + 'pass it as the catalog prop, or use PermissionSetRef.fromName for a permission set managed elsewhere');
      }
      if (!catalog.permissionSets.some((ps) => ps.permissionSetArn === arn)) {
        throw new Error(`${description}: permission set '${name}' is not in the automation's catalog '${catalog.node.path}'; `
          + 'add it to that catalog, or use PermissionSetRef.fromName for a permission set managed elsewhere');
      }
    }
    const key = ruleKey(document);
    const previous = this.ruleIndexByKey.get(key);
    if (previous !== undefined) {
      throw new Error(`${description} duplicates rule ${previous + 1}; remove one of them`);
    }
    this.ruleIndexByKey.set(key, index);
    this.rules.push(rule);
  }

  /** The config document as it stands now. */
  private configDocument(): ConfigDocument {
    const permissionSets = new Map<string, PermissionSetDocument>();
    for (const ps of this.props.catalog?.permissionSets ?? []) {
      permissionSets.set(ps.permissionSetName, { name: ps.permissionSetName, arn: ps.permissionSetArn });
    }
    for (const rule of this.rules) {
      const name = rule.permissionSet.permissionSetName;
      if (!permissionSets.has(name)) permissionSets.set(name, { name });
    }
    const options: OptionsDocument = {
      ...(this.props.groupNameSuffix !== undefined ? { groupNameSuffix: this.props.groupNameSuffix } : {}),
      dryRun: this.props.dryRun ?? false,
      maxDeletionsPerRun: this.props.maxDeletionsPerRun ?? DEFAULT_MAX_DELETIONS,
      ...(this.props.organizationManagementAccountId !== undefined ? { managementAccountId: this.props.organizationManagementAccountId } : {}),
    };
    return {
      version: CONFIG_VERSION,
      instanceArn: this.props.instanceArn,
      identityStoreId: this.props.identityStoreId,
      options,
      permissionSets: [...permissionSets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      rules: this.rules.map(toRuleDocument),
    };
  }

  /** Creates the SSM parameters, the rule that watches them and the reconciler's policy. */
  private render(): void {
    if (this.rendered) return;
    this.rendered = true;
    const stack = Stack.of(this);
    const names = parameterNames(this.busName);
    const storage = planConfigStorage(stack, this.configDocument(), this.busName);

    const parts = storage.parts.map((part, i) => new ssm.StringParameter(this, `ConfigPart${i + 1}`, {
      parameterName: storage.head.parts[i],
      description: `Identity Center assignment rules, part ${i + 1} of ${storage.parts.length} (revision ${storage.revision})`,
      stringValue: stack.toJsonString(part),
      tier: ssm.ParameterTier.ADVANCED,
    }));
    const head = new ssm.StringParameter(this, 'Config', {
      parameterName: names.head,
      description: `Identity Center assignment rules for ${this.node.path} (revision ${storage.revision})`,
      stringValue: stack.toJsonString(storage.head),
      // Intelligent-Tiering stores the value as a Standard parameter when it fits and as Advanced
      // when it does not; unlike an explicit tier it never fails a deployment in which an
      // Advanced parameter's value shrinks (SSM cannot downgrade a parameter in place).
      tier: ssm.ParameterTier.INTELLIGENT_TIERING,
    });
    // The head is written last: after every part, and after the permission sets it refers to.
    for (const part of parts) head.node.addDependency(part);
    if (this.props.catalog) head.node.addDependency(this.props.catalog);

    // A deployment, or an edit by hand, of any of these parameters triggers a run.
    const configNames = [names.head, ...storage.head.parts];
    const changeRule = new events.Rule(this, 'ConfigChanged', {
      description: 'The assignment config document changed',
      eventPattern: configChangePattern(configNames),
      targets: [new targets.SqsQueue(this.queue, { messageGroupId: MESSAGE_GROUP })],
    });
    head.node.addDependency(changeRule);

    grantReconcilerPermissions(this.function, stack, {
      instanceArn: this.props.instanceArn,
      identityStoreId: this.props.identityStoreId,
      managementAccountId: this.managementAccountId,
      delegated: this.props.organizationManagementAccountId !== undefined,
      busName: this.busName,
      configParameterNames: configNames,
      stateParameterPrefix: this.stateParameterPrefix,
      catalogPermissionSetArns: (this.props.catalog?.permissionSets ?? []).map((ps) => ps.permissionSetArn!),
      usesNamedPermissionSets: this.rules.some((r) => r.permissionSet.permissionSetArn === undefined),
    });
  }
}

/**
 * The bus ARN as a plain string when the stack's account and region are concrete. The partition
 * comes from the instance ARN, or the region, so that no `AWS::Partition` token remains.
 */
function eventBusArnOf(stack: Stack, busName: string, instanceArn: string): string {
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region) || Token.isUnresolved(busName)) {
    return stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: busName });
  }
  const partition = !Token.isUnresolved(instanceArn) ? instanceArn.split(':')[1] : RegionInfo.get(stack.region).partition ?? 'aws';
  return `arn:${partition}:events:${stack.region}:${stack.account}:event-bus/${busName}`;
}

function toRuleDocument(rule: AssignmentRule): RuleDocument {
  return { principal: rule.principal._toDocument(), permissionSet: rule.permissionSet.permissionSetName, target: rule.target._toDocument() };
}

/** Two rules are the same when principal, permission set and target are, whatever the order of exclusions. */
function ruleKey(rule: RuleDocument): string {
  const { exclude, ...base } = rule.target;
  const exclusions = (exclude ?? []).map((e) => JSON.stringify(e)).sort();
  return JSON.stringify([rule.principal, rule.permissionSet, base, exclusions]);
}
