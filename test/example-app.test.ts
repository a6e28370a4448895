import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildLandingZoneApp } from '../demo/landing-zone-app';
import { AccountTarget, Principal } from '../src';
import { parseHead } from '../src/reconciler/config/schema';
import { DEFAULT_BUS_NAME } from '../src/reconciler/contract';

// The example landing zone of demo/landing-zone-app.ts, in its three variants; integ-runner keeps
// their whole-template snapshots (test/integ.*.ts), these tests state what each stack must hold.

function countsOf(stack: Stack): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of Object.values<{ Type: string }>(Template.fromStack(stack).toJSON().Resources)) {
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  return counts;
}

const HOME = {
  'AWS::CloudWatch::Dashboard': 1,
  'AWS::SSO::PermissionSet': 4,
  'AWS::Events::EventBus': 1,
  'AWS::SQS::Queue': 2,
  'AWS::SQS::QueuePolicy': 2,
  'AWS::Logs::LogGroup': 1,
  'AWS::IAM::Role': 1,
  'AWS::IAM::Policy': 1,
  'AWS::Lambda::Function': 1,
  'AWS::Lambda::EventSourceMapping': 1,
  'AWS::CloudWatch::Alarm': 4,
  // The config document, and the name of the state table for the operator commands.
  'AWS::SSM::Parameter': 2,
  'AWS::DynamoDB::Table': 1,
  // What ends: a retirement checked and drained within the deploy, an uninstall under the removal policy.
  'Custom::IdentityCenterCatalogGeneration': 1,
  'Custom::IdentityCenterAssignmentLifecycle': 1,
};
// The rules' targets have a dead-letter queue, and an alarm on it.
const FORWARDER = { 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1, 'AWS::Events::Rule': 4, 'AWS::SQS::Queue': 1, 'AWS::SQS::QueuePolicy': 1, 'AWS::CloudWatch::Alarm': 1 };

describe('the example landing zone', () => {
  test('two-stack: home region of the management account, and the us-east-1 forwarder targeting its bus', () => {
    const { app, home, orgEvents, identityEvents, automation } = buildLandingZoneApp({ variant: 'two-stack' });
    expect([home.region, home.account, orgEvents!.region, orgEvents!.account]).toEqual(['eu-west-1', '111111111111', 'us-east-1', '111111111111']);
    expect(identityEvents).toBeUndefined();
    expect(countsOf(home)).toEqual({ ...HOME, 'AWS::Events::Rule': 8 });
    expect(countsOf(orgEvents!)).toEqual(FORWARDER);
    expect(automation.eventBusArn).toBe(`arn:aws:events:eu-west-1:111111111111:event-bus/${DEFAULT_BUS_NAME}`);
    Template.fromStack(orgEvents!).allResourcesProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: automation.eventBusArn })] });
    // No cross-stack, cross-region reference: the stacks deploy independently.
    expect(app.synth().getStackByName(orgEvents!.stackName).dependencies.map((d) => d.id)).toEqual([`${orgEvents!.stackName}.assets`]);
  });

  test('delegated-admin: automation in the delegated account, forwarders of the management account in us-east-1 and the home region', () => {
    const { home, orgEvents, identityEvents, automation } = buildLandingZoneApp({ variant: 'delegated-admin' });
    expect(home.account).toBe('222222222222');
    expect([orgEvents!.account, orgEvents!.region, identityEvents!.account, identityEvents!.region]).toEqual(['111111111111', 'us-east-1', '111111111111', 'eu-west-1']);
    expect(countsOf(home)).toEqual({ ...HOME, 'AWS::Events::EventBusPolicy': 1, 'AWS::Events::Rule': 10 });
    // The us-east-1 forwarder also creates the assignment reader role (and its policy) that the automation assumes.
    expect(countsOf(orgEvents!)).toEqual({ ...FORWARDER, 'AWS::IAM::Role': 2, 'AWS::IAM::Policy': 2 });
    expect(automation.assignmentReaderRoleArn).toBeDefined();
    expect(countsOf(identityEvents!)).toEqual({ ...FORWARDER, 'AWS::Events::Rule': 6 });
    expect(automation.eventBusArn).toBe(`arn:aws:events:eu-west-1:222222222222:event-bus/${DEFAULT_BUS_NAME}`);
  });

  test('same-account-us-east-1: one stack that matches Organizations events directly', () => {
    const { home, orgEvents, identityEvents } = buildLandingZoneApp({ variant: 'same-account-us-east-1' });
    expect([home.account, home.region]).toEqual(['111111111111', 'us-east-1']);
    expect(orgEvents).toBeUndefined();
    expect(identityEvents).toBeUndefined();
    expect(countsOf(home)).toEqual({ ...HOME, 'AWS::Events::Rule': 12 });
  });

  test('the config document of the example, as a demo reads it', () => {
    const { home } = buildLandingZoneApp();
    const [parameter] = Object.values(Template.fromStack(home).findResources('AWS::SSM::Parameter', { Properties: { Name: Match.stringLikeRegexp('/config$') } }));
    const value = (parameter.Properties.Value['Fn::Join'][1] as unknown[])
      .map((p, i) => (typeof p === 'string' ? p : `arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-${String(i).padStart(16, '0')}`)).join('');
    const head = parseHead(value);
    if ('error' in head) throw new Error(head.error);
    expect(head.value.rules).toHaveLength(6);
    expect(head.value.options).toEqual({ groupNameSuffix: '@corp.example.com' });
    expect(head.value.permissionSets.map((p) => p.name)).toEqual(['Developer', 'PlatformAdmin', 'ReadOnly', 'SecurityAudit']);
  });

  test('configure adds rules before synthesis', () => {
    const { home } = buildLandingZoneApp({
      configure: (automation, catalog) => {
        catalog.addPermissionSet({ name: 'Billing' });
        automation.addAssignment({
          principal: Principal.group('Finance'),
          permissionSet: catalog.permissionSet('Billing'),
          target: AccountTarget.allAccounts(),
        });
      },
    });
    Template.fromStack(home).resourceCountIs('AWS::SSO::PermissionSet', 5);
    const [parameter] = Object.values(Template.fromStack(home).findResources('AWS::SSM::Parameter', { Properties: { Name: Match.stringLikeRegexp('/config$') } }));
    expect(JSON.stringify(parameter.Properties.Value)).toContain('{\\"principal\\":{\\"group\\":\\"Finance\\"},\\"permissionSet\\":\\"Billing\\"');
  });
});
