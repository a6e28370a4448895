import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountTarget, AssignmentAutomation, AssignmentAutomationProps, OrgEventBridge, PermissionSetRef, Principal } from '../src';
import { matches } from './event-pattern-matcher';
import {
  AwsEvent,
  CALLERS,
  IDENTITY_STORE_EVENTS,
  IGNORED_IDENTITY_STORE_EVENTS,
  IGNORED_ORGANIZATION_EVENTS,
  ORGANIZATION_EVENTS,
  RECONCILER_SUMMARY,
  assignmentCall,
  parameterChange,
} from './fixtures/aws-events';
import { DEFAULT_BUS_NAME } from '../src/reconciler/contract';

// The deployed patterns (as CloudFormation renders them) against sample events shaped as AWS
// documents them, including events that must not start a reconcile.

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const BUS_ARN = `arn:aws:events:eu-west-1:222222222222:event-bus/${DEFAULT_BUS_NAME}`;

interface HomeStack {
  readonly stack: Stack;
  readonly automation: AssignmentAutomation;
}

interface DeployedRule {
  readonly id: string;
  readonly bus: 'default' | 'custom';
  readonly pattern?: Record<string, unknown>;
  readonly schedule?: string;
}

function rulesOf(stack: Stack): DeployedRule[] {
  const resources = Template.fromStack(stack).findResources('AWS::Events::Rule');
  return Object.entries(resources).map(([id, r]) => ({
    id,
    bus: r.Properties.EventBusName === undefined ? 'default' : 'custom',
    pattern: r.Properties.EventPattern,
    schedule: r.Properties.ScheduleExpression,
  }));
}

function matching(rules: DeployedRule[], event: AwsEvent): string[] {
  return rules.filter((r) => r.pattern && matches(r.pattern, event)).map((r) => `${r.bus}:${r.id}`);
}

function automation(region: string, account: string, props: Partial<AssignmentAutomationProps> = {}): HomeStack {
  const stack = new Stack(new App(), 'Home', { env: { account, region } });
  const a = new AssignmentAutomation(stack, 'Assignments', {
    instanceArn: INSTANCE_ARN,
    identityStoreId: 'd-1234567890',
    assignments: [{ principal: Principal.group('Admins'), permissionSet: PermissionSetRef.fromName('AdministratorAccess'), target: AccountTarget.allAccounts() }],
    ...props,
  });
  return { stack, automation: a };
}

describe('OrgEventBridge patterns', () => {
  const stack = new Stack(new App(), 'OrgEvents', { env: { account: '111122223333', region: 'us-east-1' } });
  new OrgEventBridge(stack, 'OrgEvents', { targetEventBusArn: BUS_ARN, forwardIdentityStoreEvents: true });
  const rules = rulesOf(stack);

  test.each(Object.entries(ORGANIZATION_EVENTS))('forwards %s, with exactly one rule', (_name, event) => {
    expect(matching(rules, event)).toHaveLength(1);
  });

  test.each(Object.entries(IGNORED_ORGANIZATION_EVENTS))('does not forward %s', (_name, event) => {
    expect(matching(rules, event)).toEqual([]);
  });

  test.each(Object.entries(IDENTITY_STORE_EVENTS))('forwards %s when asked to', (_name, event) => {
    expect(matching(rules, event)).toEqual([expect.stringMatching(/^default:OrgEventsPrincipalCreated/)]);
  });

  test.each(Object.entries(IGNORED_IDENTITY_STORE_EVENTS))('does not forward %s', (_name, event) => {
    expect(matching(rules, event)).toEqual([]);
  });

  test('the CreateAccountResult rule matches the service event, never the API call', () => {
    const [rule] = rules.filter((r) => r.id.startsWith('OrgEventsAccountCreated'));
    expect(matches(rule.pattern!, ORGANIZATION_EVENTS['CreateAccountResult SUCCEEDED'])).toBe(true);
    expect(matches(rule.pattern!, IGNORED_ORGANIZATION_EVENTS['CreateAccount (the request, not its completion)'])).toBe(false);
  });
});

describe('AssignmentAutomation patterns', () => {
  test('in the home region, config changes and Identity Store events on the default bus, organization events on its own bus', () => {
    const { stack } = automation('eu-west-1', '111122223333');
    const rules = rulesOf(stack);

    for (const [name, event] of Object.entries(ORGANIZATION_EVENTS)) {
      expect({ name, rules: matching(rules, event).map((r) => r.split(':')[0]) }).toEqual({ name, rules: ['custom'] });
    }
    for (const [name, event] of Object.entries(IDENTITY_STORE_EVENTS)) {
      expect({ name, rules: matching(rules, event) }).toEqual({ name, rules: [expect.stringMatching(/^default:AssignmentsPrincipalCreated/)] });
    }
    for (const event of [...Object.values(IGNORED_ORGANIZATION_EVENTS), ...Object.values(IGNORED_IDENTITY_STORE_EVENTS)]) {
      expect(matching(rules, event)).toEqual([]);
    }
    expect(rules.filter((r) => r.schedule)).toEqual([expect.objectContaining({ bus: 'default', schedule: 'rate(6 hours)' })]);
  });

  test('its own run summaries and change events on its bus start no run', () => {
    const { stack } = automation('eu-west-1', '111122223333');
    expect(matching(rulesOf(stack), RECONCILER_SUMMARY)).toEqual([]);
  });

  test('only changes of its own config parameters start a run, never its state writes', () => {
    const { stack } = automation('eu-west-1', '111122223333', { eventBusName: 'assignments' });
    const rules = rulesOf(stack);
    expect(matching(rules, parameterChange('/assignments/config', 'Update'))).toHaveLength(1);
    expect(matching(rules, parameterChange('/assignments/config', 'Create'))).toHaveLength(1);
    expect(matching(rules, parameterChange('/assignments/config', 'Delete'))).toEqual([]);
    expect(matching(rules, parameterChange('/assignments/state/0', 'Update'))).toEqual([]);
    expect(matching(rules, parameterChange('/assignments/config-old', 'Update'))).toEqual([]);
    expect(matching(rules, parameterChange('/other/config', 'Update'))).toEqual([]);
  });

  test('split configs: a change of any part starts a run', () => {
    const { stack, automation: a } = automation('eu-west-1', '111122223333', { eventBusName: 'assignments', assignments: [] });
    for (let i = 0; i < 300; i++) {
      a.addAssignment({ principal: Principal.group(`team-${i}-with-a-long-enough-name`), permissionSet: PermissionSetRef.fromName('ReadOnly'), target: AccountTarget.allAccounts() });
    }
    const rules = rulesOf(stack);
    const parts = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Parameter')).map((p) => p.Properties.Name as string)
      .filter((name) => name.includes('/config'));
    expect(parts.length).toBeGreaterThan(1);
    for (const name of parts) expect(matching(rules, parameterChange(name, 'Update'))).toHaveLength(1);
  });

  test('in us-east-1 of the management account, organization events also match directly on the default bus', () => {
    const { stack } = automation('us-east-1', '111122223333');
    const rules = rulesOf(stack);
    for (const event of Object.values(ORGANIZATION_EVENTS)) {
      expect(matching(rules, event).map((r) => r.split(':')[0]).sort()).toEqual(['custom', 'default']);
    }
    for (const event of Object.values(IGNORED_ORGANIZATION_EVENTS)) expect(matching(rules, event)).toEqual([]);
  });

  test('in a delegated administrator account, forwarded Identity Store events match on its bus too', () => {
    const { stack } = automation('us-east-1', '222222222222', { organizationManagementAccountId: '111122223333' });
    const rules = rulesOf(stack);
    for (const event of Object.values(IDENTITY_STORE_EVENTS)) {
      expect(matching(rules, event).map((r) => r.split(':')[0]).sort()).toEqual(['custom', 'default']);
    }
    // Organizations events never arrive on a delegated administrator's default bus: no direct rules.
    for (const event of Object.values(ORGANIZATION_EVENTS)) {
      expect(matching(rules, event).map((r) => r.split(':')[0])).toEqual(['custom']);
    }
  });
});

/**
 * The rules with each `Fn::GetAtt: [<role>, Arn]` replaced by the ARN that role gets when deployed
 * (a generated name), so that the reconciler's own exclusion is tested against a real-looking ARN.
 */
function rulesWithRoleArns(stack: Stack): { rules: DeployedRule[]; reconcilerRoleArn: string } {
  const roles = Template.fromStack(stack).findResources('AWS::IAM::Role', {
    Properties: {
      AssumeRolePolicyDocument: {
        Statement: [{ Principal: { Service: 'lambda.amazonaws.com' } }],
      },
    },
  });
  const ids = Object.keys(roles).filter((id) => id.includes('ServiceRole'));
  expect(ids).toHaveLength(1);
  const reconcilerRoleArn = `arn:aws:iam::${stack.account}:role/${stack.stackName}-${ids[0].slice(0, 30)}-1A2B3C4D5E6F`;
  const substitute = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(substitute);
    if (value === null || typeof value !== 'object') return value;
    const getAtt = (value as Record<string, unknown>)['Fn::GetAtt'] as string[] | undefined;
    if (getAtt) {
      if (getAtt[0] !== ids[0] || getAtt[1] !== 'Arn') throw new Error(`unexpected reference in a pattern: ${JSON.stringify(value)}`);
      return reconcilerRoleArn;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
  };
  return { rules: rulesOf(stack).map((r) => ({ ...r, pattern: substitute(r.pattern) as Record<string, unknown> | undefined })), reconcilerRoleArn };
}

describe('manual assignment changes', () => {
  const MANAGEMENT = '111122223333';
  const DELEGATED = '222222222222';
  const changes = ['CreateAccountAssignment', 'DeleteAccountAssignment'] as const;
  const people = { 'a console user': CALLERS.consoleUser, 'an IAM user (CLI)': CALLERS.iamUser, 'the root user': CALLERS.root };

  describe('automation in the management account', () => {
    const { stack } = automation('eu-west-1', MANAGEMENT);
    const { rules, reconcilerRoleArn } = rulesWithRoleArns(stack);

    test.each(Object.entries(people).flatMap(([who, caller]) => changes.map((name) => [name, who, caller] as const)))(
      '%s by %s starts a run, through one rule on the default bus', (name, _who, caller) => {
        expect(matching(rules, assignmentCall(name, caller(MANAGEMENT), { account: MANAGEMENT })))
          .toEqual([expect.stringMatching(/^default:AssignmentsAssignmentChanged/)]);
      });

    test.each(changes)('%s made by the reconciler itself starts no run, whatever its session name (runs, lifecycle requests)', (name) => {
      for (const session of ['Home-AssignmentsFunction-Abc123', 'a-lifecycle-session']) {
        expect(matching(rules, assignmentCall(name, CALLERS.lambdaRole(reconcilerRoleArn, session), { account: MANAGEMENT }))).toEqual([]);
      }
    });

    test('another automation\'s reconciler (another role) is someone else: its change starts a run', () => {
      const neighbour = `arn:aws:iam::${MANAGEMENT}:role/Other-AssignmentsServiceRole-9Z8Y7X`;
      expect(matching(rules, assignmentCall('DeleteAccountAssignment', CALLERS.lambdaRole(neighbour), { account: MANAGEMENT }))).toHaveLength(1);
    });

    test('refused calls, reads and other Identity Center calls start no run', () => {
      const admin = CALLERS.consoleUser(MANAGEMENT);
      expect(matching(rules, assignmentCall('CreateAccountAssignment', admin, { account: MANAGEMENT, errorCode: 'AccessDeniedException' }))).toEqual([]);
      expect(matching(rules, assignmentCall('ListAccountAssignments', admin, { account: MANAGEMENT }))).toEqual([]);
      expect(matching(rules, assignmentCall('ProvisionPermissionSet', admin, { account: MANAGEMENT }))).toEqual([]);
    });
  });

  describe('automation in a delegated administrator account', () => {
    const { stack } = automation('eu-west-1', DELEGATED, { organizationManagementAccountId: MANAGEMENT });
    const { rules, reconcilerRoleArn } = rulesWithRoleArns(stack);

    test('changes made in its own account match on the default bus, the management account\'s forwarded ones on its bus', () => {
      const onDefaultBus = rules.filter((r) => r.bus === 'default');
      const onOwnBus = rules.filter((r) => r.bus === 'custom');
      for (const name of changes) {
        expect(matching(onDefaultBus, assignmentCall(name, CALLERS.consoleUser(DELEGATED), { account: DELEGATED })))
          .toEqual([expect.stringMatching(/^default:AssignmentsAssignmentChanged/)]);
        // A forwarded event keeps its envelope (account, region) and detail: the rule on the bus sees it as it was logged.
        expect(matching(onOwnBus, assignmentCall(name, CALLERS.root(MANAGEMENT), { account: MANAGEMENT })))
          .toEqual([expect.stringMatching(/^custom:AssignmentsForwardedAssignmentChanged/)]);
      }
    });

    test('the reconciler\'s own changes match neither rule', () => {
      for (const name of changes) {
        expect(matching(rules, assignmentCall(name, CALLERS.lambdaRole(reconcilerRoleArn), { account: DELEGATED }))).toEqual([]);
      }
    });
  });

  describe('OrgEventBridge with forwardAssignmentChanges', () => {
    const BUS = `arn:aws:events:eu-west-1:${DELEGATED}:event-bus/${DEFAULT_BUS_NAME}`;
    const stack = new Stack(new App(), 'HomeEvents', { env: { account: MANAGEMENT, region: 'eu-west-1' } });
    new OrgEventBridge(stack, 'HomeEvents', { targetEventBusArn: BUS, forwardIdentityStoreEvents: true, forwardAssignmentChanges: true });
    const rules = rulesOf(stack);

    test.each(Object.entries(people).flatMap(([who, caller]) => changes.map((name) => [name, who, caller] as const)))(
      'forwards %s by %s of the management account', (name, _who, caller) => {
        expect(matching(rules, assignmentCall(name, caller(MANAGEMENT), { account: MANAGEMENT })))
          .toEqual([expect.stringMatching(/^default:HomeEventsAssignmentChanged/)]);
      });

    test('forwards no call made by another account\'s identities (the delegated reconciler\'s, were it also delivered here)', () => {
      const reconciler = CALLERS.lambdaRole(`arn:aws:iam::${DELEGATED}:role/Home-AssignmentsServiceRole-1A2B3C`);
      expect(matching(rules, assignmentCall('CreateAccountAssignment', reconciler, { account: MANAGEMENT }))).toEqual([]);
      expect(matching(rules, assignmentCall('CreateAccountAssignment', CALLERS.consoleUser(MANAGEMENT), { account: MANAGEMENT, errorCode: 'AccessDeniedException' })))
        .toEqual([]);
    });

    test('is not forwarded by default', () => {
      const plain = new Stack(new App(), 'Plain', { env: { account: MANAGEMENT, region: 'eu-west-1' } });
      new OrgEventBridge(plain, 'HomeEvents', { targetEventBusArn: BUS, forwardIdentityStoreEvents: true });
      expect(matching(rulesOf(plain), assignmentCall('CreateAccountAssignment', CALLERS.root(MANAGEMENT), { account: MANAGEMENT }))).toEqual([]);
    });

    test('is refused where no such event arrives, or where the automation sees them itself', () => {
      const bridge = (account: string, region: string, bus: string) => () => new OrgEventBridge(
        new Stack(new App(), 'S', { env: { account, region } }), 'B', { targetEventBusArn: bus, forwardAssignmentChanges: true });
      expect(bridge(MANAGEMENT, 'us-east-1', BUS)).toThrow(/Identity Center logs assignment changes in its home region, eu-west-1 .* this OrgEventBridge is in us-east-1/);
      expect(bridge(MANAGEMENT, 'eu-west-1', `arn:aws:events:eu-west-1:${MANAGEMENT}:event-bus/x`))
        .toThrow(/forwardAssignmentChanges is for an automation in a delegated administrator account, but the target bus is in this account \(111122223333\)/);
      expect(bridge(MANAGEMENT, 'eu-west-1', BUS)).not.toThrow();
    });
  });
});

describe('the matcher itself', () => {
  test('follows EventBridge semantics for the conditions used', () => {
    expect(matches({ a: ['x'] }, { a: 'x' })).toBe(true);
    expect(matches({ a: ['x'] }, { a: ['y', 'x'] })).toBe(true);
    expect(matches({ a: ['x'] }, { a: 'y' })).toBe(false);
    expect(matches({ a: ['x'] }, {})).toBe(false);
    expect(matches({ a: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ a: [{ exists: false }] }, { a: 'e' })).toBe(false);
    expect(matches({ a: [{ prefix: '/x' }] }, { a: '/xy' })).toBe(true);
    expect(matches({ a: { b: ['1'] } }, { a: { b: '1', c: 2 } })).toBe(true);
    expect(matches({ a: { b: ['1'] } }, { a: 'flat' })).toBe(false);
    expect(matches({ a: { b: [{ exists: false }] } }, {})).toBe(true);
    expect(matches({ a: [{ 'anything-but': 'x' }] }, { a: 'y' })).toBe(true);
    expect(matches({ a: [{ 'anything-but': 'x' }] }, { a: 'x' })).toBe(false);
    expect(matches({ a: [{ 'anything-but': ['x', 'z'] }] }, { a: 'z' })).toBe(false);
    expect(matches({ a: [{ 'anything-but': 'x' }] }, {})).toBe(false);
    expect(matches({ $or: [{ a: ['1'] }, { b: ['2'] }] }, { b: '2' })).toBe(true);
    expect(matches({ $or: [{ a: ['1'] }, { b: ['2'] }] }, { a: '2' })).toBe(false);
  });
});
