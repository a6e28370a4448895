import { App, AspectPriority, Aspects, CfnResource, Duration, Expiration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildLandingZoneApp } from '../demo/landing-zone-app';
import {
  AccountTarget,
  AssignmentAutomation,
  OrgEventBridge,
  PermissionSetCatalog,
  PermissionSetRef,
  PermissionsBoundary,
  Principal,
} from '../src';
import { DEFAULT_BUS_NAME } from '../src/reconciler/contract';

// cdk-nag AwsSolutions over stacks holding every construct of the library; each finding is either
// fixed or suppressed by the construct itself, next to the resource, with a reason.

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';

function findings(stack: Stack): string[] {
  return [
    ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].map((f) => `${f.id}: ${f.entry.data}`);
}

function everyConstruct(stack: Stack, organizationManagementAccountId?: string): void {
  const catalog = new PermissionSetCatalog(stack, 'Catalog', {
    instanceArn: INSTANCE_ARN,
    permissionSets: [{
      name: 'PlatformAdmin',
      sessionDuration: Duration.hours(4),
      awsManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
      inlinePolicy: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['organizations:LeaveOrganization'], resources: ['*'] })],
      }),
      permissionsBoundary: PermissionsBoundary.fromCustomerManagedPolicy('Boundary'),
    }],
  });
  const { account, region } = stack;
  new AssignmentAutomation(stack, 'Assignments', {
    instanceArn: INSTANCE_ARN,
    identityStoreId: 'd-1234567890',
    catalog,
    organizationManagementAccountId,
    assignmentReader: organizationManagementAccountId !== undefined,
    teamsWebhookSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Teams', `arn:aws:secretsmanager:${region}:${account}:secret:teams-webhook-AbCdEf`),
    notificationTopic: sns.Topic.fromTopicArn(stack, 'Topic', `arn:aws:sns:${region}:${account}:assignment-reports`),
    assignments: [
      { principal: Principal.group('Platform'), permissionSet: catalog.permissionSet('PlatformAdmin'), target: AccountTarget.organizationalUnit('Root/Platform') },
      { principal: Principal.user('jane@example.com'), permissionSet: PermissionSetRef.fromName('AWSReadOnlyAccess'), target: AccountTarget.accountsWithTag('env', 'prod') },
      // An expiring rule: its one-time schedule and the queue policy statement that admits it.
      {
        principal: Principal.group('Contractors'),
        permissionSet: catalog.permissionSet('PlatformAdmin'),
        target: AccountTarget.account('Sandbox'),
        expires: Expiration.atDate(new Date('2099-01-01T00:00:00Z')),
      },
    ],
  });
  new OrgEventBridge(stack, 'OrgEvents', {
    targetEventBusArn: `arn:aws:events:eu-west-1:222222222222:event-bus/${DEFAULT_BUS_NAME}`,
    forwardIdentityStoreEvents: true,
    // The bridge of the management account creates the reader of an automation elsewhere.
    assignmentReader: organizationManagementAccountId === undefined,
  });
}

describe('cdk-nag AwsSolutions', () => {
  test('every construct, in us-east-1 of the management account: no errors or warnings', () => {
    const stack = new Stack(new App(), 'Nag', { env: { account: '111111111111', region: 'us-east-1' } });
    everyConstruct(stack);
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
    expect(findings(stack)).toEqual([]);
  });

  test('every construct, in a delegated administrator account: no errors or warnings', () => {
    const stack = new Stack(new App(), 'Nag', { env: { account: '222222222222', region: 'eu-west-1' } });
    everyConstruct(stack, '111111111111');
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
    expect(findings(stack)).toEqual([]);
  });

  test('every construct, env-agnostic: no errors or warnings', () => {
    const stack = new Stack(new App(), 'Nag');
    everyConstruct(stack);
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
    expect(findings(stack)).toEqual([]);
  });

  test.each(['two-stack', 'delegated-admin', 'same-account-us-east-1'] as const)('the %s example app: no errors or warnings', (variant) => {
    const { app, home, orgEvents, identityEvents } = buildLandingZoneApp({ variant });
    Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
    for (const stack of [home, orgEvents, identityEvents]) {
      if (stack) expect(findings(stack)).toEqual([]);
    }
  });

  test('the suppressions are needed: without them the reconciler policy has IAM5 findings', () => {
    const stack = new Stack(new App(), 'Nag', { env: { account: '111111111111', region: 'us-east-1' } });
    everyConstruct(stack);
    // The policy is rendered when synthesis starts; strip its metadata after that and before cdk-nag.
    Aspects.of(stack).add({
      visit: (node) => {
        if (node.node.path === 'Nag/Assignments/ServiceRole/DefaultPolicy/Resource') (node as CfnResource).cfnOptions.metadata = {};
      },
    }, { priority: AspectPriority.MUTATING + 1 });
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
    expect(findings(stack).filter((f) => f.includes('AwsSolutions-IAM5')).length).toBeGreaterThanOrEqual(8);
  });
});
