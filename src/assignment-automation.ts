import { Annotations, AspectPriority, Aspects, Duration, IAspect, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
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
import { assignmentReaderRoleName, reconcilerRoleName, roleArn } from './private/assignment-reader';
import { validateProps } from './private/automation-props';
import { catalogTagValue, claimCatalog } from './private/catalog-ownership';
import { planConfigStorage } from './private/config-storage';
import { createDashboard } from './private/dashboard';
import { ORGANIZATION_PATTERNS, PRINCIPAL_CREATED, Trigger, assignmentChangeTrigger, configChangePattern } from './private/event-patterns';
import { expiryTriggers } from './private/expiry-schedule';
import { addLifecycleResources } from './private/lifecycle';
import { grantReconcilerPermissions } from './private/reconciler-policy';
import { RuleSet } from './private/rule-set';
import { throwIf } from './private/validation';
import { DEFAULT_BUS_NAME, DEFAULT_GUARDS, ENV, MESSAGE_GROUP, METRICS, STATE_TABLE_KEY, parameterNames } from './reconciler/contract';
import { ReconcileFunction } from './reconciler/reconcile-function';

const MAX_TIMEOUT = Duration.minutes(15);
const VISIBILITY_MARGIN_SECONDS = 60;
const ALARM_PERIOD = Duration.minutes(5);

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
   * The schedule repairs drift that no event announces (events lost because no CloudTrail trail
   * was configured, a hand-made change in an account whose events are not forwarded).
   *
   * @default events.Schedule.rate(Duration.hours(6))
   */
  readonly schedule?: events.Schedule;

  /**
   * Plan and report only: the reconciler computes and reports every change, and makes none.
   *
   * A guard setting: it is part of the function's configuration, which only a deployment changes,
   * never of the config parameter, which a hand edit could change.
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
   * Like `dryRun`, part of the function's configuration, not of the editable config parameter.
   *
   * @default 100
   */
  readonly maxDeletionsPerRun?: number;

  /**
   * What happens to the automation's assignments, catalog permission sets and state when the
   * automation is removed (`cdk destroy`, or the construct removed from the app).
   *
   * `RemovalPolicy.RETAIN`: every assignment and permission set stays and keeps working, no longer
   * managed; the state table stays too (deletion protection on). `RemovalPolicy.DESTROY`: every
   * assignment the automation owns is deleted (the deletion limit does not apply: removing the
   * automation is the intent), then the catalog's permission sets and the state table.
   * Either way `cdk destroy` completes in one go.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

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
   * Read the current assignments per principal through the management account's assignment reader
   * role, which an `OrgEventBridge` with `assignmentReader: true` creates there for this automation.
   *
   * Only for a delegated administrator (with `organizationManagementAccountId`):
   * `ListAccountAssignmentsForPrincipal` "must be called from the management account", and without
   * it the reconciler reads one `ListAccountAssignments` per account and managed permission set. The
   * reconciler's role then gets a fixed name, derived from the bus name and the region, which the
   * reader role trusts; if the reader cannot be assumed, the run reads per account and says why.
   *
   * @default false
   */
  readonly assignmentReader?: boolean;

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

  /**
   * Create a CloudWatch dashboard for the automation: its alarms, runs, changes, refusals and
   * failures, API calls by operation, run duration, and the queue in front of the reconciler
   * (`automation.dashboard`).
   *
   * Set it to `false` to build your own from the metrics (namespace `IdentityCenterAssignments`,
   * dimension `service` = the bus name), or to stay within CloudWatch's free dashboards.
   *
   * @default true
   */
  readonly dashboard?: boolean;
}

/**
 * Keeps the Identity Center account assignments of an organization equal to a set of rules,
 * reacting to Organizations, Control Tower and Identity Store events, to assignments changed by
 * hand, and to a schedule.
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
   * The SSM path under which versions before the state table kept their state; read once, to migrate it.
   */
  public readonly stateParameterPrefix: string;

  /**
   * The reconciler's state: the (principal, permission set) pairs it owns, the names it resolved,
   * and the run lease. On demand, with point-in-time recovery and deletion protection (unless the
   * removal policy is DESTROY).
   */
  public readonly stateTable: dynamodb.Table;

  /**
   * In alarm when the config document could not be read by the running code (a hand edit, or a
   * document of a newer library version): the run changed nothing and is retried.
   */
  public readonly configInvalidAlarm: cloudwatch.Alarm;

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

  /**
   * The management account's assignment reader role this automation assumes, with `assignmentReader`.
   */
  public readonly assignmentReaderRoleArn?: string;

  /**
   * The automation's CloudWatch dashboard; undefined with `dashboard: false`.
   */
  public readonly dashboard?: cloudwatch.Dashboard;

  private readonly props: AssignmentAutomationProps;
  private readonly busName: string;
  private readonly rules: RuleSet;
  private rendered = false;

  constructor(scope: Construct, id: string, props: AssignmentAutomationProps) {
    super(scope, id);
    validateProps(this, props);
    if (props.catalog) throwIf(claimCatalog(props.catalog, this), this);
    this.props = props;
    this.busName = props.eventBusName ?? DEFAULT_BUS_NAME;
    this.configParameterName = parameterNames(this.busName).head;
    this.stateParameterPrefix = parameterNames(this.busName).statePrefix;
    this.rules = new RuleSet(this, props.catalog);
    const timeout = props.timeout ?? MAX_TIMEOUT;

    this.eventBus = this.createEventBus();
    this.eventBusArn = eventBusArnOf(Stack.of(this), this.busName, props.instanceArn);
    this.warnIfEnvironmentAgnostic();
    this.deadLetterQueue = this.createDeadLetterQueue();
    this.queue = this.createQueue(timeout);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR });
    this.stateTable = this.createStateTable();
    if (props.assignmentReader) {
      this.assignmentReaderRoleArn = roleArn(Stack.of(this).partition, props.organizationManagementAccountId!,
        assignmentReaderRoleName(this.busName, Stack.of(this).region));
    }
    this.function = this.createFunction(timeout);
    this.addTriggers();
    this.addAssignmentChangeTriggers();
    this.deadLetterQueueAlarm = this.alarm('DeadLetterQueueAlarm',
      'Identity Center assignments: a reconcile failed three times; its message is in the dead-letter queue',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }));
    this.errorsAlarm = this.alarm('ErrorsAlarm',
      'Identity Center assignments: the reconciler failed (see its log group)',
      this.function.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }));
    this.failedAssignmentsAlarm = this.alarm('FailedAssignmentsAlarm',
      'Identity Center assignments: Identity Center failed to create or delete assignments (see the run summary)',
      this.reconcilerMetric(METRICS.failed));
    this.configInvalidAlarm = this.alarm('ConfigInvalidAlarm',
      'Identity Center assignments: the reconciler could not read its config document; nothing was changed and the run is retried',
      this.reconcilerMetric(METRICS.configInvalid));

    this.dashboard = this.createDashboard();

    for (const rule of props.assignments ?? []) this.addAssignment(rule);
    this.node.addValidation({
      validate: () => this.rules.size === 0
        ? [`assignment automation '${this.node.path}' has no assignment rules; pass assignments or call addAssignment (an empty config makes the reconciler refuse to act)`]
        : [],
    });
    this.renderWhenSynthesisStarts();
  }

  /**
   * Adds an assignment rule.
   *
   * @throws if the rule duplicates another, or uses a permission set that is neither in the
   * automation's catalog nor named with `PermissionSetRef.fromName`
   */
  public addAssignment(rule: AssignmentRule): void {
    if (this.rendered) {
      throwIf(`cannot add an assignment rule to '${this.node.path}' after synthesis started; add rules before synthesizing the app`);
    }
    this.rules.add(rule);
  }

  /** Named so that the us-east-1 forwarder can target it by ARN; admits the management account's forwarder when delegated. */
  private createEventBus(): events.EventBus {
    const bus = new events.EventBus(this, 'EventBus', { eventBusName: this.busName });
    const management = this.props.organizationManagementAccountId;
    if (management !== undefined) {
      bus.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowManagementAccountForwarder',
        principals: [new iam.AccountPrincipal(management)],
        actions: ['events:PutEvents'],
        resources: [bus.eventBusArn],
      }));
    }
    return bus;
  }

  private warnIfEnvironmentAgnostic(): void {
    if (!Token.isUnresolved(this.eventBusArn)) return;
    Annotations.of(this).addWarningV2('cdk-identity-center-permissions:envAgnosticEventBus',
      'the stack has no explicit account and region, so eventBusArn is a token that another region cannot use, and '
      + 'Organizations events are not matched directly even in us-east-1; give the stack env: { account, region }');
  }

  private createDeadLetterQueue(): sqs.Queue {
    return new sqs.Queue(this, 'DeadLetterQueue', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
  }

  /** FIFO with one message group: runs never overlap, and a burst of events becomes one batch. */
  private createQueue(timeout: Duration): sqs.Queue {
    return new sqs.Queue(this, 'Queue', {
      fifo: true,
      contentBasedDeduplication: true,
      // A message stays invisible while its run may still be going, and no longer: with one message
      // group, a crashed run holds every later trigger until then (Lambda's "six times the timeout"
      // is for throttled batches, which a single group at concurrency one hardly meets).
      visibilityTimeout: Duration.seconds(timeout.toSeconds() + VISIBILITY_MARGIN_SECONDS),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });
  }

  /** The state table; kept on uninstall unless the removal policy is DESTROY. */
  private createStateTable(): dynamodb.Table {
    const destroy = this.props.removalPolicy === RemovalPolicy.DESTROY;
    const table = new dynamodb.Table(this, 'State', {
      partitionKey: { name: STATE_TABLE_KEY.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: STATE_TABLE_KEY.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: !destroy,
      removalPolicy: destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    // For the operator commands, which have no access to the function's environment.
    new ssm.StringParameter(this, 'StateTableName', {
      parameterName: parameterNames(this.busName).stateTable,
      description: `The state table of the Identity Center assignment automation ${this.node.path}`,
      stringValue: table.tableName,
    });
    return table;
  }

  /** The reconciler, fed by the queue; its Identity Center, Organizations and SSM permissions are granted at render. */
  private createFunction(timeout: Duration): lambda.Function {
    const role = new iam.Role(this, 'ServiceRole', {
      // Named when the management account's assignment reader must trust it by ARN.
      roleName: this.props.assignmentReader ? reconcilerRoleName(this.busName, Stack.of(this).region) : undefined,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Reconciles IAM Identity Center account assignments with the assignment rules',
    });
    this.logGroup.grantWrite(role);
    const fn = new ReconcileFunction(this, 'Function', {
      description: 'Reconciles IAM Identity Center account assignments with the assignment rules',
      memorySize: this.props.memorySize ?? 1024,
      timeout,
      role,
      logGroup: this.logGroup,
      environment: this.environment(),
      // Continuations go through the queue back to this function; the reconciler bounds them
      // itself (100 at most), so Lambda's recursive loop detection (16) must not cut them short.
      recursiveLoop: lambda.RecursiveLoop.ALLOW,
    });
    fn.addEventSource(new SqsEventSource(this.queue, { batchSize: 10 }));
    this.queue.grantSendMessages(fn);
    this.eventBus.grantPutEventsTo(fn);
    this.props.teamsWebhookSecret?.grantRead(fn);
    this.props.notificationTopic?.grantPublish(fn);
    return fn;
  }

  /** The reconciler's settings, under the names of the contract it shares with the Lambda. */
  private environment(): Record<string, string> {
    return {
      [ENV.configParameter]: this.configParameterName,
      [ENV.stateTable]: this.stateTable.tableName,
      [ENV.statePrefix]: this.stateParameterPrefix,
      [ENV.maxDeletionsPerRun]: String(this.props.maxDeletionsPerRun ?? DEFAULT_GUARDS.maxDeletionsPerRun),
      [ENV.dryRun]: String(this.props.dryRun ?? DEFAULT_GUARDS.dryRun),
      [ENV.eventBusName]: this.busName,
      [ENV.queueUrl]: this.queue.queueUrl,
      // Metrics carry the service as a dimension: the bus name keeps two automations' alarms apart.
      [ENV.serviceName]: this.busName,
      [ENV.metricsNamespace]: METRICS.namespace,
      ...(this.props.teamsWebhookSecret ? { [ENV.teamsWebhookSecretArn]: this.props.teamsWebhookSecret.secretArn } : {}),
      ...(this.props.notificationTopic ? { [ENV.notificationTopicArn]: this.props.notificationTopic.topicArn } : {}),
      ...(this.assignmentReaderRoleArn ? { [ENV.assignmentReaderRoleArn]: this.assignmentReaderRoleArn } : {}),
    };
  }

  /**
   * Every trigger is a message of the queue's one group. SSM, Identity Store and schedule events
   * arrive on this region's default bus; organization events forwarded from us-east-1 arrive on
   * the automation's bus (and on the default bus when it runs in us-east-1 of the management account).
   */
  private addTriggers(): void {
    new events.Rule(this, 'Schedule', {
      description: 'Periodic full reconcile of the Identity Center account assignments',
      schedule: this.props.schedule ?? events.Schedule.rate(Duration.hours(6)),
      targets: [this.queueTarget()],
    });
    this.addTrigger(PRINCIPAL_CREATED);
    for (const trigger of ORGANIZATION_PATTERNS) this.addTrigger(trigger, { forwarded: true });
    if (this.props.organizationManagementAccountId !== undefined) {
      // The management account's Identity Store events, forwarded by an OrgEventBridge there.
      this.addTrigger(PRINCIPAL_CREATED, { forwarded: true });
    } else if (Stack.of(this).region === 'us-east-1') {
      // Organizations publishes its events in us-east-1 only: here they need no forwarding.
      for (const trigger of ORGANIZATION_PATTERNS) this.addTrigger(trigger);
    }
  }

  /**
   * Assignments created or deleted by hand start a run that puts owned pairs back. Identity Center
   * logs each call in its home region (this one), in the account that made it: calls made here
   * arrive on this region's default bus, and, for a delegated administrator, calls made in the
   * management account arrive forwarded by an OrgEventBridge there (`forwardAssignmentChanges`).
   * The reconciler's own calls are left out by its role, so its writes never start another run.
   */
  private addAssignmentChangeTriggers(): void {
    const trigger = assignmentChangeTrigger({ excludeRoleArn: this.function.role!.roleArn });
    this.addTrigger(trigger);
    if (this.props.organizationManagementAccountId !== undefined) this.addTrigger(trigger, { forwarded: true });
  }

  private addTrigger(trigger: Trigger, options: { forwarded?: boolean } = {}): void {
    const forwarded = options.forwarded ?? false;
    new events.Rule(this, forwarded ? `Forwarded${trigger.id}` : trigger.id, {
      description: forwarded ? `${trigger.description} (forwarded)` : trigger.description,
      eventBus: forwarded ? this.eventBus : undefined,
      eventPattern: trigger.pattern,
      targets: [this.queueTarget()],
    });
  }

  /** Runs, changes, refusals, failures, API calls, duration and the queues, beside the alarms; opt-out with `dashboard: false`. */
  private createDashboard(): cloudwatch.Dashboard | undefined {
    if (this.props.dashboard === false) return undefined;
    return createDashboard(this, 'Dashboard', {
      serviceName: this.busName,
      fn: this.function,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      alarms: [this.deadLetterQueueAlarm, this.errorsAlarm, this.failedAssignmentsAlarm, this.configInvalidAlarm],
    });
  }

  /**
   * A run in the minute after each rule's expiry, so that its assignments go without a deploy
   * (private/expiry-schedule.ts). The one-time rules share one queue policy statement naming them
   * all, where `targets.SqsQueue` would add one each (an SQS policy holds 20 statements).
   */
  private addExpiryTriggers(): void {
    const triggers = expiryTriggers(this.rules.expiries, Date.now());
    if ('periodic' in triggers) {
      new events.Rule(this, 'ExpirySchedule', {
        description: 'Reconciles every 15 minutes while assignment rules have expiries to come (more instants than one-time rules are kept for)',
        schedule: triggers.periodic,
        targets: [this.queueTarget()],
      });
    }
    if (!('oneTime' in triggers)) return;
    const queue = this.queue;
    const target: events.IRuleTarget = { bind: () => ({ arn: queue.queueArn, sqsParameters: { messageGroupId: MESSAGE_GROUP } }) };
    const rules = triggers.oneTime.map(({ id, at, schedule }) => new events.Rule(this, id, {
      description: `Reconciles once after the assignment rules expiring before ${at.toISOString()}`,
      schedule,
      targets: [target],
    }));
    queue.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'ExpirySchedules',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      resources: [queue.queueArn],
      conditions: { ArnEquals: { 'aws:SourceArn': rules.map((r) => r.ruleArn) } },
    }));
  }

  private queueTarget(): targets.SqsQueue {
    return new targets.SqsQueue(this.queue, { messageGroupId: MESSAGE_GROUP });
  }

  /** A metric the reconciler publishes, as this automation's alarms and dashboards read it. */
  private reconcilerMetric(metricName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS.namespace,
      metricName,
      dimensionsMap: { [METRICS.serviceDimension]: this.busName },
      period: ALARM_PERIOD,
      statistic: 'Sum',
    });
  }

  /** Alarms fire on the first occurrence and are exposed so that users can add actions. */
  private alarm(id: string, alarmDescription: string, metric: cloudwatch.IMetric): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      alarmDescription,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * The config document depends on everything added until synthesis (rules, catalog permission
   * sets), and so do the number of SSM parameters and the policy that reads them: they are
   * created once, when synthesis starts, before any read-only aspect (cdk-nag) runs.
   */
  private renderWhenSynthesisStarts(): void {
    const automation = this;
    const render: IAspect = { visit: (node: IConstruct) => { if (node === automation) automation.render(); } };
    Aspects.of(this).add(render, { priority: AspectPriority.MUTATING });
  }

  /** Creates the SSM parameters, the rule that watches them and the reconciler's policy. */
  private render(): void {
    if (this.rendered) return;
    this.rendered = true;
    const stack = Stack.of(this);
    const storage = planConfigStorage(stack, this.rules.document({
      instanceArn: this.props.instanceArn,
      identityStoreId: this.props.identityStoreId,
      options: {
        ...(this.props.groupNameSuffix !== undefined ? { groupNameSuffix: this.props.groupNameSuffix } : {}),
        ...(this.props.organizationManagementAccountId !== undefined ? { managementAccountId: this.props.organizationManagementAccountId } : {}),
      },
    }), this.busName);

    const parts = storage.parts.map((part, i) => new ssm.StringParameter(this, `ConfigPart${i + 1}`, {
      parameterName: storage.head.parts[i],
      description: `Identity Center assignment rules, part ${i + 1} of ${storage.parts.length} (revision ${storage.revision})`,
      stringValue: stack.toJsonString(part),
      tier: ssm.ParameterTier.ADVANCED,
    }));
    const head = new ssm.StringParameter(this, 'Config', {
      parameterName: this.configParameterName,
      description: `Identity Center assignment rules for ${this.node.path} (revision ${storage.revision})`,
      stringValue: stack.toJsonString(storage.head),
      // Intelligent-Tiering stores the value as a Standard parameter when it fits and as Advanced
      // when it does not; unlike an explicit tier it never fails a deployment in which an
      // Advanced parameter's value shrinks (SSM cannot downgrade a parameter in place).
      tier: ssm.ParameterTier.INTELLIGENT_TIERING,
    });
    // The head is written last: after every part, after the permission sets it refers to, and
    // after the function's code, configuration, policy and event source, so that the run its
    // change triggers is a run of the code that reads it.
    for (const part of parts) head.node.addDependency(part);
    if (this.props.catalog) head.node.addDependency(this.props.catalog);
    head.node.addDependency(this.function, this.function.role!);

    // A deployment, or an edit by hand, of any of these parameters triggers a run.
    const configNames = [this.configParameterName, ...storage.head.parts];
    const changeRule = new events.Rule(this, 'ConfigChanged', {
      description: 'The assignment config document changed',
      eventPattern: configChangePattern(configNames),
      targets: [this.queueTarget()],
    });
    head.node.addDependency(changeRule);
    this.addExpiryTriggers();

    const delegated = this.props.organizationManagementAccountId !== undefined;
    grantReconcilerPermissions(this.function, stack, {
      instanceArn: this.props.instanceArn,
      identityStoreId: this.props.identityStoreId,
      managementAccountId: this.props.organizationManagementAccountId ?? stack.account,
      delegated,
      busName: this.busName,
      configParameterNames: configNames,
      stateParameterPrefix: this.stateParameterPrefix,
      stateTableArn: this.stateTable.tableArn,
      catalogTagValue: this.props.catalog ? catalogTagValue(this.props.catalog) : undefined,
      retiresPermissionSets: this.props.catalog !== undefined && Stack.of(this.props.catalog) === stack,
      usesNamedPermissionSets: this.rules.usesNamedPermissionSets,
      assignmentReaderRoleArn: this.assignmentReaderRoleArn,
    });

    // CloudFormation's word on what ends: a retirement is checked before the document changes, and
    // drained before the permission set goes; an uninstall follows the removal policy.
    const lifecycle = addLifecycleResources(this, {
      fn: this.function,
      instanceArn: this.props.instanceArn,
      catalog: this.props.catalog,
      removalPolicy: this.props.removalPolicy ?? RemovalPolicy.RETAIN,
      managementAccountId: this.props.organizationManagementAccountId,
      needs: [this.queue, this.stateTable, this.function.role!, ...this.function.node.children.filter((c) => c instanceof lambda.EventSourceMapping)],
    });
    head.node.addDependency(...lifecycle);
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
