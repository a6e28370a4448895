import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { assignmentReaderRoleName, reconcilerRoleName, roleArn } from './private/assignment-reader';
import { ORGANIZATION_PATTERNS, PRINCIPAL_CREATED, assignmentChangeTrigger } from './private/event-patterns';
import { addNagSuppressions } from './private/nag';
import { Problems } from './private/validation';

const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._/-]+$/;

/**
 * Properties of an `OrgEventBridge`.
 */
export interface OrgEventBridgeProps {
  /**
   * The ARN of the `AssignmentAutomation`'s event bus (`automation.eventBusArn`), in any region
   * and any account of the organization.
   *
   * It must be a plain string: give the automation's stack an explicit `env`, or write the ARN.
   */
  readonly targetEventBusArn: string;

  /**
   * Also forward the creation of Identity Store users and groups from this region's default bus.
   *
   * Needed when the automation runs in a delegated administrator account: the Identity Store
   * events of the management account arrive only there, in the Identity Center home region. Set
   * it on an `OrgEventBridge` in the management account's home region (which may be the us-east-1
   * one).
   *
   * @default false
   */
  readonly forwardIdentityStoreEvents?: boolean;

  /**
   * Also forward the account assignments created or deleted by hand in this (the management)
   * account, so that the automation puts its owned pairs back at once.
   *
   * Needed when the automation runs in a delegated administrator account: Identity Center logs each
   * call in the account that made it, in the instance's home region, so a change made in the
   * management account's console is seen only here. Set it on an `OrgEventBridge` in the
   * management account in the Identity Center home region (the target bus's region, usually with
   * `forwardIdentityStoreEvents`). Only calls of this account's identities are forwarded; the
   * reconciler's own calls are made, and logged, in the delegated administrator account.
   *
   * @default false
   */
  readonly forwardAssignmentChanges?: boolean;

  /**
   * Create, in this (the management) account, the read-only role through which an automation in a
   * delegated administrator account reads assignments per principal (its `assignmentReader`).
   *
   * `ListAccountAssignmentsForPrincipal` "must be called from the management account"; without this
   * role the automation reads one `ListAccountAssignments` per account and managed permission set.
   * The role allows that one read and nothing else, and only the automation's reconciler role (named
   * from the target bus's name and region) may assume it. Set it on one `OrgEventBridge` per automation.
   *
   * @default false
   */
  readonly assignmentReader?: boolean;
}

/**
 * Forwards the Organizations and Control Tower events that change which accounts assignment rules
 * reach to an `AssignmentAutomation`'s event bus, across regions and accounts, with an IAM role.
 *
 * Deploy it in us-east-1 of the management account: Organizations records its events only there.
 * Control Tower records its lifecycle events in its home region; when that is not us-east-1,
 * deploy a second `OrgEventBridge` there. The events are CloudTrail events, so the management
 * account needs a CloudTrail trail (an organization trail does).
 *
 * Forwarded: `CreateAccountResult` (SUCCEEDED), `AcceptHandshake`, `MoveAccount`,
 * `RemoveAccountFromOrganization`, `CloseAccount`, `CreateOrganizationalUnit`,
 * `UpdateOrganizationalUnit`, `DeleteOrganizationalUnit`, `TagResource`, `UntagResource`, and
 * Control Tower's `CreateManagedAccount` and `UpdateManagedAccount` (SUCCEEDED); with
 * `forwardIdentityStoreEvents` and `forwardAssignmentChanges`, from an `OrgEventBridge` in the
 * Identity Center home region, the management account's user and group creations and hand-made
 * assignment changes (for an automation in a delegated administrator account).
 *
 * @example
 * declare const automation: AssignmentAutomation;
 * const app = new App();
 * const orgEvents = new Stack(app, 'OrgEvents', { env: { account: '111111111111', region: 'us-east-1' } });
 * new OrgEventBridge(orgEvents, 'OrgEvents', { targetEventBusArn: automation.eventBusArn });
 */
export class OrgEventBridge extends Construct {
  /**
   * The rules on this region's default bus, one per kind of event.
   */
  public readonly rules: events.Rule[];

  /**
   * The role EventBridge assumes to put the events on the target bus.
   */
  public readonly role: iam.Role;

  /**
   * Where EventBridge puts an event it could not deliver to the target bus after its retries (24
   * hours, 185 attempts: the target's default retry policy), for example while the automation's
   * stack is being replaced, or its bus policy does not yet admit this account.
   */
  public readonly deadLetterQueue: sqs.Queue;

  /**
   * Fires when an event lands in the dead-letter queue: an organization change the automation did not hear of
   * (the next scheduled run still sees it). Exposed so that users can add actions.
   */
  public readonly deadLetterQueueAlarm: cloudwatch.Alarm;

  /**
   * The assignment reader role, with `assignmentReader`.
   */
  public readonly assignmentReaderRole?: iam.Role;

  constructor(scope: Construct, id: string, props: OrgEventBridgeProps) {
    super(scope, id);
    const arn = props.targetEventBusArn;
    const problems = new Problems(this);
    if (Token.isUnresolved(arn)) {
      problems.add('targetEventBusArn is a token, which another region cannot resolve; give the AssignmentAutomation\'s stack an '
        + 'explicit env: { account, region } so that eventBusArn is a plain string, or write the ARN');
    } else if (!EVENT_BUS_ARN.test(arn)) {
      problems.add(`targetEventBusArn '${arn}' is malformed; expected arn:aws:events:<region>:<account id>:event-bus/<name>`);
    }
    const [, partition, , busRegion, busAccount, resource] = arn.split(':');
    const stackAccount = Stack.of(this).account;
    if (props.assignmentReader && !Token.isUnresolved(stackAccount) && stackAccount === busAccount) {
      problems.add('assignmentReader is for an automation in a delegated administrator account, but the target bus is in this account '
        + `(${busAccount}), where the reconciler reads per principal itself; omit assignmentReader`);
    }
    if (props.forwardAssignmentChanges) problems.addAll(forwardAssignmentChangesProblems(Stack.of(this), busAccount, busRegion));
    problems.throwIfAny();
    if (props.assignmentReader) this.assignmentReaderRole = this.createAssignmentReader(partition, busAccount, busRegion, resource.slice('event-bus/'.length));
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1' && !props.forwardIdentityStoreEvents && !props.forwardAssignmentChanges) {
      Annotations.of(this).addWarningV2('cdk-identity-center-permissions:orgEventBridgeRegion',
        `this OrgEventBridge is in ${region}, but Organizations records its events only in us-east-1; from here only Control Tower `
        + 'lifecycle events are forwarded (if this is its home region); deploy it in us-east-1, or set forwardIdentityStoreEvents '
        + 'if it is here for the Identity Store events of the home region');
    }

    this.role = new iam.Role(this, 'ForwarderRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'Forwards organization events to the Identity Center assignment automation',
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    addNagSuppressions(this.deadLetterQueue, [{
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the forwarding rules\' targets (EventBridge DeadLetterConfig), which cdk-nag does not recognize as one.',
    }]);
    this.deadLetterQueueAlarm = new cloudwatch.Alarm(this, 'DeadLetterQueueAlarm', {
      alarmDescription: 'Identity Center assignments: an organization event could not be forwarded to the automation (see the dead-letter queue)',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const target = new targets.EventBus(events.EventBus.fromEventBusArn(this, 'TargetBus', arn), {
      role: this.role,
      deadLetterQueue: this.deadLetterQueue,
    });
    const kinds = [
      ...ORGANIZATION_PATTERNS,
      ...(props.forwardIdentityStoreEvents ? [PRINCIPAL_CREATED] : []),
      ...(props.forwardAssignmentChanges ? [assignmentChangeTrigger({ callerAccountId: Stack.of(this).account })] : []),
    ];
    this.rules = kinds.map(({ id: ruleId, description, pattern }) => new events.Rule(this, ruleId, {
      description: `${description}; forwarded to the Identity Center assignment automation`,
      eventPattern: pattern,
      targets: [target],
    }));
  }

  /**
   * Trusted by the account of the automation on the condition that the caller is its reconciler
   * role: a trust policy naming a role ARN directly is refused while that role does not exist yet
   * ("Invalid principal in policy"), and this stack may be deployed first.
   */
  private createAssignmentReader(partition: string, account: string, region: string, busName: string): iam.Role {
    const reconciler = roleArn(partition, account, reconcilerRoleName(busName, region));
    const role = new iam.Role(this, 'AssignmentReader', {
      roleName: assignmentReaderRoleName(busName, region),
      description: `Lets the Identity Center assignment automation ${busName} (${account}, ${region}) read assignments per principal`,
      assumedBy: new iam.AccountPrincipal(account).withConditions({ ArnEquals: { 'aws:PrincipalArn': reconciler } }),
      maxSessionDuration: Duration.hours(1),
    });
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadAssignmentsPerPrincipal',
      actions: ['sso:ListAccountAssignmentsForPrincipal'],
      // The action's only resource type is the instance (Service Authorization Reference, AWS IAM Identity Center).
      resources: [`arn:${partition}:sso:::instance/*`],
    }));
    addNagSuppressions(role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'The management account holds one Identity Center instance, the organization instance; this read of it is the role\'s only permission.',
      appliesTo: [`Resource::arn:${partition}:sso:::instance/*`],
    }], true);
    return role;
  }
}

/**
 * Assignment calls are logged in the account that made them, in the instance's home region (the
 * automation's): a forwarder for them belongs in the management account, in the target bus's region.
 */
function forwardAssignmentChangesProblems(stack: Stack, busAccount: string, busRegion: string): string[] {
  const problems: string[] = [];
  if (!Token.isUnresolved(stack.account) && stack.account === busAccount) {
    problems.push(`forwardAssignmentChanges is for an automation in a delegated administrator account, but the target bus is in this account (${busAccount}), `
      + 'where the automation matches assignment changes itself; omit forwardAssignmentChanges');
  }
  if (!Token.isUnresolved(stack.region) && stack.region !== busRegion) {
    problems.push(`forwardAssignmentChanges: Identity Center logs assignment changes in its home region, ${busRegion} (the target bus's region), `
      + `but this OrgEventBridge is in ${stack.region}, where none arrive; set it on an OrgEventBridge of the management account in ${busRegion}`);
  }
  return problems;
}
