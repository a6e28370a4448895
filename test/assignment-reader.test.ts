import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AccountTarget, AssignmentAutomation, AssignmentAutomationProps, OrgEventBridge, PermissionSetRef, Principal } from '../src';
import { ENV } from '../src/reconciler/contract';

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const MANAGEMENT = '111111111111';
const DELEGATED = '222222222222';

/** The delegated administrator's automation and the management account's bridge, as an app lays them out. */
function layout(options: { automation?: Partial<AssignmentAutomationProps>; bridge?: { assignmentReader?: boolean } } = {}) {
  const app = new App();
  const home = new Stack(app, 'Home', { env: { account: DELEGATED, region: 'eu-west-1' } });
  const automation = new AssignmentAutomation(home, 'Assignments', {
    instanceArn: INSTANCE_ARN,
    identityStoreId: 'd-1234567890',
    organizationManagementAccountId: MANAGEMENT,
    assignmentReader: true,
    assignments: [{ principal: Principal.group('Auditors'), permissionSet: PermissionSetRef.fromName('ReadOnly'), target: AccountTarget.allAccounts() }],
    ...options.automation,
  });
  const orgEvents = new Stack(app, 'OrgEvents', { env: { account: MANAGEMENT, region: 'us-east-1' } });
  const bridge = new OrgEventBridge(orgEvents, 'OrgEvents', { targetEventBusArn: automation.eventBusArn, assignmentReader: true, ...options.bridge });
  return { home, automation, orgEvents, bridge };
}

function reconcilerRole(home: Stack) {
  const roles = Template.fromStack(home).findResources('AWS::IAM::Role', {
    Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] } },
  });
  return Object.values(roles).find((r) => /^Reconciles/.test(r.Properties.Description))!;
}

function reconcilerStatements(home: Stack): Array<{ Sid?: string; Action: string | string[]; Resource: unknown }> {
  const policies = Template.fromStack(home).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('AssignmentsServiceRole') }] } });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('the assignment reader role of a delegated administrator', () => {
  test('the management account\'s role trusts exactly the automation\'s reconciler role, and may only read assignments per principal', () => {
    const { home, automation, orgEvents, bridge } = layout();
    expect(bridge.assignmentReaderRole).toBeDefined();
    const readerName = Object.values(Template.fromStack(orgEvents).findResources('AWS::IAM::Role'))
      .map((r) => r.Properties.RoleName as string | undefined).find((n) => n?.includes('-reader-'))!;
    const reconcilerName = reconcilerRole(home).Properties.RoleName as string;
    expect(reconcilerName).toMatch(/^identity-center-assignments-reconciler-[0-9a-f]{8}$/);

    const reader = Template.fromStack(orgEvents);
    reader.hasResourceProperties('AWS::IAM::Role', {
      RoleName: Match.stringLikeRegexp('^identity-center-assignments-reader-[0-9a-f]{8}$'),
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${DELEGATED}:root`]] } },
          Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${DELEGATED}:role/${reconcilerName}` } },
        }],
      },
    });
    const policies = Object.values(reader.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('AssignmentReader') }] } }));
    expect(policies.flatMap((p) => p.Properties.PolicyDocument.Statement)).toEqual([{
      Sid: 'ReadAssignmentsPerPrincipal', Effect: 'Allow', Action: 'sso:ListAccountAssignmentsForPrincipal', Resource: 'arn:aws:sso:::instance/*',
    }]);

    // The automation assumes that role by the same name, and tells its function so.
    const readerArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${MANAGEMENT}:role/${readerName}`]] };
    expect(home.resolve(automation.assignmentReaderRoleArn)).toEqual(readerArn);
    expect(reconcilerStatements(home).find((s) => s.Sid === 'AssumeAssignmentReader')).toEqual(expect.objectContaining({
      Action: 'sts:AssumeRole', Resource: readerArn,
    }));
    Template.fromStack(home).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ [ENV.assignmentReaderRoleArn]: readerArn }) },
    });
  });

  test('two automations of one name in two regions get different roles', () => {
    const names = ['eu-west-1', 'eu-central-1'].map((region) => {
      const app = new App();
      const stack = new Stack(app, `Home-${region}`, { env: { account: DELEGATED, region } });
      new AssignmentAutomation(stack, 'Assignments', {
        instanceArn: INSTANCE_ARN,
        identityStoreId: 'd-1234567890',
        organizationManagementAccountId: MANAGEMENT,
        assignmentReader: true,
        assignments: [{ principal: Principal.group('Auditors'), permissionSet: PermissionSetRef.fromName('ReadOnly'), target: AccountTarget.allAccounts() }],
      });
      return reconcilerRole(stack).Properties.RoleName;
    });
    expect(new Set(names).size).toBe(2);
  });

  test('without it, the reconciler role keeps its generated name and may assume nothing', () => {
    const { home } = layout({ automation: { assignmentReader: false }, bridge: { assignmentReader: false } });
    expect(reconcilerRole(home).Properties.RoleName).toBeUndefined();
    expect(reconcilerStatements(home).flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('sts:'))).toEqual([]);
    Template.fromStack(home).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.not(Match.objectLike({ [ENV.assignmentReaderRoleArn]: Match.anyValue() })) },
    });
  });

  test('refused where it means nothing: in the management account, or in a stack without a region', () => {
    expect(() => layout({ automation: { organizationManagementAccountId: undefined } }))
      .toThrow(/Home\/Assignments: assignmentReader is for an automation in a delegated administrator account: set organizationManagementAccountId/);
    const agnostic = new Stack(new App(), 'Agnostic');
    expect(() => new AssignmentAutomation(agnostic, 'Assignments', {
      instanceArn: INSTANCE_ARN,
      identityStoreId: 'd-1234567890',
      organizationManagementAccountId: MANAGEMENT,
      assignmentReader: true,
      assignments: [{ principal: Principal.group('Auditors'), permissionSet: PermissionSetRef.fromName('ReadOnly'), target: AccountTarget.allAccounts() }],
    })).toThrow(/assignmentReader needs the stack's region and the event bus name as plain strings/);
    const management = new Stack(new App(), 'OrgEvents', { env: { account: DELEGATED, region: 'us-east-1' } });
    expect(() => new OrgEventBridge(management, 'OrgEvents', {
      targetEventBusArn: `arn:aws:events:eu-west-1:${DELEGATED}:event-bus/identity-center-assignments`, assignmentReader: true,
    })).toThrow(/OrgEvents\/OrgEvents: assignmentReader is for an automation in a delegated administrator account, but the target bus is in this account/);
  });
});
