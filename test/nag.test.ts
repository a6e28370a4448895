import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PermissionSetCatalog, PermissionsBoundary } from '../src';

// cdk-nag AwsSolutions over a stack holding every construct of the library; each finding is
// either fixed or suppressed next to the resource with a reason.
describe('cdk-nag AwsSolutions', () => {
  test('a stack with the catalog has no errors or warnings', () => {
    const stack = new Stack(new App(), 'Nag');
    new PermissionSetCatalog(stack, 'Catalog', {
      instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
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
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));

    const findings = [
      ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ];
    expect(findings.map((f) => `${f.id}: ${f.entry.data}`)).toEqual([]);
  });
});
