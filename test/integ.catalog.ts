import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PermissionSetCatalog, PermissionsBoundary } from '../src';

// Snapshot of a catalog using every permission set property; checked offline by `npx projen integ`.
const app = new App();
const stack = new Stack(app, 'IdentityCenterCatalog');
const catalog = new PermissionSetCatalog(stack, 'Catalog', {
  instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
  permissionSets: [{
    name: 'PlatformAdmin',
    description: 'Full access for the platform team',
    sessionDuration: Duration.hours(4),
    awsManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
    customerManagedPolicies: [{ name: 'LandingZoneGuardrails', path: '/' }],
    inlinePolicy: new iam.PolicyDocument({
      statements: [new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['organizations:LeaveOrganization'], resources: ['*'] })],
    }),
    permissionsBoundary: PermissionsBoundary.fromCustomerManagedPolicy('Boundary', '/'),
    relayState: 'https://console.aws.amazon.com/cloudwatch/home',
    tags: { team: 'platform' },
  }],
});
catalog.addPermissionSet({
  name: 'ReadOnly',
  awsManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
  permissionsBoundary: PermissionsBoundary.fromAwsManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')),
});

new IntegTest(app, 'CatalogInteg', { testCases: [stack] });
