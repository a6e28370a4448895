import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PermissionSetCatalog, PermissionSetOptions, PermissionSetRef, PermissionsBoundary } from '../src';
import { CATALOG_TAG_KEY } from '../src/reconciler/contract';

const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';

function catalogWith(...permissionSets: PermissionSetOptions[]): { stack: Stack; catalog: PermissionSetCatalog } {
  const stack = new Stack(new App(), 'Stack');
  const catalog = new PermissionSetCatalog(stack, 'Catalog', { instanceArn: INSTANCE_ARN, permissionSets });
  return { stack, catalog };
}

function statements(count: number): iam.PolicyStatement[] {
  return Array.from({ length: count }, (_, i) => new iam.PolicyStatement({
    sid: `Statement${i}`,
    actions: ['s3:GetObject', 's3:PutObject'],
    resources: [`arn:aws:s3:::bucket-with-a-rather-long-name-number-${i}/*`],
  }));
}

describe('PermissionSetCatalog resources', () => {
  test('every property reaches AWS::SSO::PermissionSet', () => {
    const { stack } = catalogWith({
      name: 'PlatformAdmin',
      description: 'Full access for the platform team',
      sessionDuration: Duration.hours(4),
      awsManagedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')],
      customerManagedPolicies: [{ name: 'LandingZoneGuardrails' }, { name: 'TeamPolicy', path: '/team/' }],
      inlinePolicy: new iam.PolicyDocument({
        statements: [new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['organizations:LeaveOrganization'], resources: ['*'] })],
      }),
      permissionsBoundary: PermissionsBoundary.fromCustomerManagedPolicy('Boundary', '/boundaries/'),
      relayState: 'https://console.aws.amazon.com/cloudwatch/home',
      tags: { team: 'platform' },
    });

    Template.fromStack(stack).hasResourceProperties('AWS::SSO::PermissionSet', {
      InstanceArn: INSTANCE_ARN,
      Name: 'PlatformAdmin',
      Description: 'Full access for the platform team',
      SessionDuration: 'PT4H',
      ManagedPolicies: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AdministratorAccess']] }],
      CustomerManagedPolicyReferences: [{ Name: 'LandingZoneGuardrails', Path: '/' }, { Name: 'TeamPolicy', Path: '/team/' }],
      InlinePolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }],
      },
      PermissionsBoundary: { CustomerManagedPolicyReference: { Name: 'Boundary', Path: '/boundaries/' } },
      RelayStateType: 'https://console.aws.amazon.com/cloudwatch/home',
      Tags: [{ Key: CATALOG_TAG_KEY, Value: Match.stringLikeRegexp('Catalog') }, { Key: 'team', Value: 'platform' }],
    });
  });

  test('an AWS managed permissions boundary is referenced by ARN', () => {
    const { stack } = catalogWith({
      name: 'Developer',
      permissionsBoundary: PermissionsBoundary.fromAwsManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::SSO::PermissionSet', {
      PermissionsBoundary: {
        ManagedPolicyArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/PowerUserAccess']] },
      },
    });
  });

  test('a customer managed boundary defaults to the root path', () => {
    const { stack } = catalogWith({ name: 'Dev', permissionsBoundary: PermissionsBoundary.fromCustomerManagedPolicy('Boundary') });
    Template.fromStack(stack).hasResourceProperties('AWS::SSO::PermissionSet', {
      PermissionsBoundary: { CustomerManagedPolicyReference: { Name: 'Boundary', Path: '/' } },
    });
  });

  test('optional properties are omitted so Identity Center defaults apply', () => {
    const { stack } = catalogWith({ name: 'Minimal' });
    Template.fromStack(stack).hasResourceProperties('AWS::SSO::PermissionSet', {
      Name: 'Minimal',
      SessionDuration: Match.absent(),
      Description: Match.absent(),
      ManagedPolicies: Match.absent(),
      InlinePolicy: Match.absent(),
      RelayStateType: Match.absent(),
      // Only the catalog's own tag, on which the reconciler's permissions rest.
      Tags: [{ Key: CATALOG_TAG_KEY, Value: Match.stringLikeRegexp('Catalog') }],
    });
  });

  test('a session that is not a whole number of hours keeps its ISO form', () => {
    const { stack } = catalogWith({ name: 'Short', sessionDuration: Duration.minutes(90) });
    Template.fromStack(stack).hasResourceProperties('AWS::SSO::PermissionSet', { SessionDuration: 'PT1H30M' });
  });

  test('addPermissionSet returns a reference with the ARN; permissionSet(name) finds it', () => {
    const { stack, catalog } = catalogWith({ name: 'ReadOnly' });
    const added = catalog.addPermissionSet({ name: 'Billing' });
    Template.fromStack(stack).resourceCountIs('AWS::SSO::PermissionSet', 2);
    expect(added.permissionSetName).toBe('Billing');
    expect(stack.resolve(added.permissionSetArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^CatalogBilling/), 'PermissionSetArn'] });
    expect(catalog.permissionSet('ReadOnly').permissionSetName).toBe('ReadOnly');
    expect(catalog.permissionSets.map((p) => p.permissionSetName)).toEqual(['ReadOnly', 'Billing']);
  });

  test('permissionSet(name) throws for an unknown name and lists the known ones', () => {
    const { catalog } = catalogWith({ name: 'ReadOnly' });
    expect(() => catalog.permissionSet('Admin')).toThrow(/has no permission set named 'Admin' \(it has: ReadOnly\).*PermissionSetRef.fromName/);
  });

  test('PermissionSetRef.fromName carries only the name', () => {
    const ref = PermissionSetRef.fromName('AWSAdministratorAccess');
    expect(ref).toEqual({ permissionSetName: 'AWSAdministratorAccess' });
  });
});

describe('PermissionSetCatalog validation', () => {
  test('malformed instance ARN', () => {
    const stack = new Stack();
    expect(() => new PermissionSetCatalog(stack, 'C', { instanceArn: 'ssoins-123' }))
      .toThrow("instance arn 'ssoins-123' is malformed; expected the form arn:aws:sso:::instance/ssoins-1234567890abcdef");
  });

  test('name longer than 32 characters', () => {
    const name = 'A'.repeat(33);
    expect(() => catalogWith({ name })).toThrow(`permission set '${name}': name is 33 characters, the limit is 1 to 32; use a shorter name`);
  });

  test('every limit a permission set breaks is reported at once, under the catalog path', () => {
    expect(() => catalogWith({ name: 'P', description: 'd'.repeat(701), relayState: 'r'.repeat(250) }))
      .toThrow(/^Stack\/Catalog: permission set 'P': description is 701 characters.*\nStack\/Catalog: permission set 'P': relay state is 250 characters/s);
  });

  test('name with characters outside the pattern', () => {
    expect(() => catalogWith({ name: 'Platform Admin' })).toThrow("permission set 'Platform Admin': name contains characters outside [\\w+=,.@-]");
  });

  test('duplicate names', () => {
    expect(() => catalogWith({ name: 'ReadOnly' }, { name: 'ReadOnly' }))
      .toThrow("permission set 'ReadOnly' is defined twice in catalog 'Stack/Catalog'; permission set names must be unique");
  });

  test('description longer than 700 characters', () => {
    expect(() => catalogWith({ name: 'P', description: 'x'.repeat(701) }))
      .toThrow("permission set 'P': description is 701 characters, the limit is 1 to 700; shorten it or omit it");
  });

  test('description with characters Identity Center rejects', () => {
    expect(() => catalogWith({ name: 'P', description: 'Admins → prod' }))
      .toThrow("permission set 'P': description contains '→' (U+2192), which Identity Center rejects");
  });

  test('session duration below one hour', () => {
    expect(() => catalogWith({ name: 'P', sessionDuration: Duration.minutes(30) }))
      .toThrow("permission set 'P': session duration is 1800 seconds, the limit is 1 to 12 hours; use Duration.hours(n) with n from 1 to 12");
  });

  test('session duration above twelve hours', () => {
    expect(() => catalogWith({ name: 'P', sessionDuration: Duration.hours(13) }))
      .toThrow("permission set 'P': session duration is 13 hours, the limit is 1 to 12 hours");
  });

  test('relay state longer than 240 characters', () => {
    expect(() => catalogWith({ name: 'P', relayState: `https://example.com/${'a'.repeat(230)}` }))
      .toThrow("permission set 'P': relay state is 250 characters, the limit is 1 to 240; use a shorter URL");
  });

  test('inline policy over 10,240 non-whitespace characters once serialized', () => {
    expect(() => catalogWith({ name: 'P', inlinePolicy: new iam.PolicyDocument({ statements: statements(100) }) }))
      .toThrow(/permission set 'P': inline policy has \d+ non-whitespace characters, the limit is 10240; move statements to customer managed policies/);
  });

  test('inline policy over 32,768 bytes once serialized', () => {
    expect(() => catalogWith({ name: 'P', inlinePolicy: new iam.PolicyDocument({ statements: statements(300) }) }))
      .toThrow(/permission set 'P': inline policy is \d+ bytes, the limit is 32768/);
  });

  test('inline policy with unresolved tokens is not measured', () => {
    const stack = new Stack(new App(), 'Stack');
    const bucket = new CfnParameter(stack, 'Bucket');
    const big = statements(100).map((s) => new iam.PolicyStatement({ actions: s.actions, resources: [bucket.valueAsString] }));
    expect(() => new PermissionSetCatalog(stack, 'C', {
      instanceArn: INSTANCE_ARN,
      permissionSets: [{ name: 'P', inlinePolicy: new iam.PolicyDocument({ statements: big }) }],
    })).not.toThrow();
  });

  test('more than 10 managed policies warns about the adjustable IAM quota', () => {
    const { stack } = catalogWith({
      name: 'Wide',
      awsManagedPolicies: ['ReadOnlyAccess', 'AWSBillingReadOnlyAccess', 'SecurityAudit'].map((n) => iam.ManagedPolicy.fromAwsManagedPolicyName(n)),
      customerManagedPolicies: Array.from({ length: 8 }, (_, i) => ({ name: `Policy${i}` })),
    });
    Annotations.fromStack(stack).hasWarning('/Stack/Catalog', Match.stringLikeRegexp(
      "permission set 'Wide': 11 AWS and customer managed policies are attached; IAM allows 10 per role by default, so raise the adjustable IAM quota 'Managed policies attached to an IAM role'",
    ));
  });

  test('more than 20 managed policies is an error', () => {
    expect(() => catalogWith({ name: 'P', customerManagedPolicies: Array.from({ length: 21 }, (_, i) => ({ name: `Policy${i}` })) }))
      .toThrow("permission set 'P': 21 AWS and customer managed policies are attached, the limit is 20 and cannot be raised");
  });

  test('a customer managed policy passed as an AWS managed policy', () => {
    const stack = new Stack(new App(), 'Stack');
    const foreign = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Mine', 'arn:aws:iam::111111111111:policy/Mine');
    expect(() => new PermissionSetCatalog(stack, 'C', { instanceArn: INSTANCE_ARN, permissionSets: [{ name: 'P', awsManagedPolicies: [foreign] }] }))
      .toThrow("permission set 'P': 'arn:aws:iam::111111111111:policy/Mine' is not an AWS managed policy ARN; pass customer managed policies as customerManagedPolicies: [{ name, path }]");
  });

  test('the same AWS managed policy twice', () => {
    const policy = iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess');
    expect(() => catalogWith({ name: 'P', awsManagedPolicies: [policy, policy] }))
      .toThrow("permission set 'P': AWS managed policy 'arn:aws:iam::aws:policy/ReadOnlyAccess' is listed more than once");
  });

  test('the same customer managed policy twice', () => {
    expect(() => catalogWith({ name: 'P', customerManagedPolicies: [{ name: 'A' }, { name: 'A', path: '/' }] }))
      .toThrow("permission set 'P': customer managed policy '/A' is listed more than once");
  });

  test('customer managed policy name with a path in it', () => {
    expect(() => catalogWith({ name: 'P', customerManagedPolicies: [{ name: 'team/Policy' }] }))
      .toThrow("permission set 'P': customer managed policy name 'team/Policy' must be 1 to 128 characters of [\\w+=,.@-]; use the policy's name without its path");
  });

  test('customer managed policy path without the trailing slash', () => {
    expect(() => catalogWith({ name: 'P', customerManagedPolicies: [{ name: 'Policy', path: '/team' }] }))
      .toThrow("permission set 'P': customer managed policy path '/team' must start and end with '/'");
  });

  test('customer managed permissions boundary with a malformed path', () => {
    expect(() => catalogWith({ name: 'P', permissionsBoundary: PermissionsBoundary.fromCustomerManagedPolicy('Boundary', 'boundaries') }))
      .toThrow("permission set 'P': customer managed policy path 'boundaries' must start and end with '/'");
  });

  test('more than 50 tags', () => {
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect(() => catalogWith({ name: 'P', tags })).toThrow("permission set 'P': 51 tags, the limit is 49 (Identity Center allows 50, and the catalog adds its own); remove tags");
    expect(() => catalogWith({ name: 'P', tags: { [CATALOG_TAG_KEY]: 'mine' } }))
      .toThrow(`permission set 'P': the tag key '${CATALOG_TAG_KEY}' is the catalog's own; use another key`);
  });

  test('tag key longer than 128 characters', () => {
    const key = 'k'.repeat(129);
    expect(() => catalogWith({ name: 'P', tags: { [key]: 'v' } })).toThrow(`permission set 'P': tag key '${key}' is 129 characters, the limit is 1 to 128`);
  });

  test('tag value longer than 256 characters', () => {
    expect(() => catalogWith({ name: 'P', tags: { team: 'v'.repeat(257) } })).toThrow("permission set 'P': tag 'team' has a value of 257 characters, the limit is 256");
  });

  test('every problem of a permission set is reported at once', () => {
    expect(() => catalogWith({ name: 'Bad Name', sessionDuration: Duration.hours(24), relayState: 'x'.repeat(241) }))
      .toThrow(/name contains characters[\s\S]*session duration is 24 hours[\s\S]*relay state is 241 characters/);
  });

  test('unresolved tokens are skipped, not rejected', () => {
    const stack = new Stack(new App(), 'Stack');
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const description = new CfnParameter(stack, 'Description').valueAsString;
    const instance = new CfnParameter(stack, 'Instance').valueAsString;
    expect(() => new PermissionSetCatalog(stack, 'C', { instanceArn: instance, permissionSets: [{ name, description, relayState: description }] })).not.toThrow();
  });
});
