// The example landing zone: a permission set catalog and the assignment automation in the Identity
// Center home region, and the Organizations event forwarder in us-east-1. Three variants:
//
// - 'two-stack': everything in the management account; home region eu-west-1, forwarder in us-east-1.
// - 'delegated-admin': catalog and automation in a delegated administrator account; the management
//   account runs the us-east-1 forwarder (which also creates the assignment reader role the
//   automation assumes for per-principal reads), and a second forwarder in the home region for the
//   Identity Store events that only its default bus receives.
// - 'same-account-us-east-1': home region us-east-1 of the management account; one stack, no
//   forwarder (Organizations events arrive on the same default bus).
//
// The integ tests synthesize each variant (test/integ.*.ts); the demo builds on this function.
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AccountTarget,
  AssignmentAutomation,
  OrgEventBridge,
  PermissionSetCatalog,
  PermissionsBoundary,
  Principal,
} from '../src';

export type LandingZoneVariant = 'two-stack' | 'delegated-admin' | 'same-account-us-east-1';

export interface LandingZoneAppOptions {
  /** @default 'two-stack' */
  readonly variant?: LandingZoneVariant;
  /** @default '111111111111' */
  readonly managementAccountId?: string;
  /** Where the catalog and automation live in the 'delegated-admin' variant. @default '222222222222' */
  readonly delegatedAdminAccountId?: string;
  /** The Identity Center home region, except in 'same-account-us-east-1'. @default 'eu-west-1' */
  readonly homeRegion?: string;
  /** @default 'arn:aws:sso:::instance/ssoins-1234567890abcdef' */
  readonly instanceArn?: string;
  /** @default 'd-1234567890' */
  readonly identityStoreId?: string;
  /** An app to build into (to choose its outdir, say). @default - a new App */
  readonly app?: App;
  /** Called before synthesis, to add permission sets or rules. */
  readonly configure?: (automation: AssignmentAutomation, catalog: PermissionSetCatalog) => void;
}

export interface LandingZoneApp {
  readonly app: App;
  /** The stack with the catalog and the automation. */
  readonly home: Stack;
  /** The us-east-1 forwarder of the management account; absent in 'same-account-us-east-1'. */
  readonly orgEvents?: Stack;
  /** The home-region forwarder of the management account's Identity Store events ('delegated-admin' only). */
  readonly identityEvents?: Stack;
  readonly catalog: PermissionSetCatalog;
  readonly automation: AssignmentAutomation;
}

export function buildLandingZoneApp(options: LandingZoneAppOptions = {}): LandingZoneApp {
  const variant = options.variant ?? 'two-stack';
  const app = options.app ?? new App();
  const management = options.managementAccountId ?? '111111111111';
  const delegated = variant === 'delegated-admin';
  const homeAccount = delegated ? options.delegatedAdminAccountId ?? '222222222222' : management;
  const homeRegion = variant === 'same-account-us-east-1' ? 'us-east-1' : options.homeRegion ?? 'eu-west-1';
  const instanceArn = options.instanceArn ?? 'arn:aws:sso:::instance/ssoins-1234567890abcdef';

  const home = new Stack(app, 'IdentityCenterAssignments', {
    env: { account: homeAccount, region: homeRegion },
    description: 'Identity Center permission sets and account assignment automation',
  });
  const catalog = new PermissionSetCatalog(home, 'Catalog', {
    instanceArn,
    permissionSets: [
      {
        name: 'PlatformAdmin',
        description: 'Full access for the platform team',
        sessionDuration: Duration.hours(4),
        awsManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
      },
      {
        name: 'Developer',
        description: 'Build and run workloads; no changes to IAM users or the organization',
        sessionDuration: Duration.hours(8),
        awsManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')],
        inlinePolicy: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({
            effect: iam.Effect.DENY,
            actions: ['organizations:*', 'account:*', 'iam:CreateUser', 'iam:CreateAccessKey'],
            resources: ['*'],
          })],
        }),
        permissionsBoundary: PermissionsBoundary.fromCustomerManagedPolicy('WorkloadBoundary'),
      },
      {
        name: 'ReadOnly',
        description: 'Read-only access to every service',
        awsManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
      },
      {
        name: 'SecurityAudit',
        description: 'Security audit of every account',
        awsManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('SecurityAudit')],
      },
    ],
  });

  const automation = new AssignmentAutomation(home, 'Assignments', {
    instanceArn,
    identityStoreId: options.identityStoreId ?? 'd-1234567890',
    catalog,
    groupNameSuffix: '@corp.example.com',
    organizationManagementAccountId: delegated ? management : undefined,
    // Per-principal reads through the management account's reader role (the OrgEventBridge below creates it).
    assignmentReader: delegated,
    assignments: [
      {
        principal: Principal.group('AWS-Auditors'),
        permissionSet: catalog.permissionSet('ReadOnly'),
        target: AccountTarget.allAccounts().excluding(AccountTarget.organizationalUnit('Suspended')),
      },
      {
        principal: Principal.group('AWS-Platform-Admins'),
        permissionSet: catalog.permissionSet('PlatformAdmin'),
        target: AccountTarget.organizationalUnit('Root/Platform'),
      },
      {
        principal: Principal.group('AWS-Developers'),
        permissionSet: catalog.permissionSet('Developer'),
        target: AccountTarget.organizationalUnit('Root/Workloads/Dev'),
      },
      {
        principal: Principal.group('AWS-Developers'),
        permissionSet: catalog.permissionSet('ReadOnly'),
        target: AccountTarget.organizationalUnit('Root/Workloads/Prod'),
      },
      {
        principal: Principal.group('AWS-Security'),
        permissionSet: catalog.permissionSet('SecurityAudit'),
        target: AccountTarget.accountsWithTag('data-classification', 'restricted'),
      },
      {
        // The catalog's own administrator set, not Control Tower's AWSAdministratorAccess: a rule owns its
        // principal and permission set pair everywhere, and Account Factory assigns that one itself.
        principal: Principal.user('break-glass@example.com'),
        permissionSet: catalog.permissionSet('PlatformAdmin'),
        target: AccountTarget.account('Security'),
      },
    ],
  });
  options.configure?.(automation, catalog);

  let orgEvents: Stack | undefined;
  let identityEvents: Stack | undefined;
  if (variant !== 'same-account-us-east-1') {
    orgEvents = new Stack(app, 'IdentityCenterOrgEvents', {
      env: { account: management, region: 'us-east-1' },
      description: 'Forwards Organizations and Control Tower events to the Identity Center assignment automation',
    });
    new OrgEventBridge(orgEvents, 'OrgEvents', {
      targetEventBusArn: automation.eventBusArn,
      // With the automation in a delegated account, the management account's Identity Store events
      // and hand-made assignment changes must be forwarded too: from us-east-1 when that is the home region.
      forwardIdentityStoreEvents: delegated && homeRegion === 'us-east-1',
      forwardAssignmentChanges: delegated && homeRegion === 'us-east-1',
      assignmentReader: delegated,
    });
  }
  if (delegated && homeRegion !== 'us-east-1') {
    identityEvents = new Stack(app, 'IdentityCenterIdentityEvents', {
      env: { account: management, region: homeRegion },
      description: 'Forwards Identity Store events and assignment changes of the management account to the delegated Identity Center assignment automation',
    });
    new OrgEventBridge(identityEvents, 'IdentityEvents', {
      targetEventBusArn: automation.eventBusArn,
      forwardIdentityStoreEvents: true,
      forwardAssignmentChanges: true,
    });
  }
  return { app, home, orgEvents, identityEvents, catalog, automation };
}
