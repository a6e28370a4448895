import {
  AccessDeniedException, DescribePermissionSetCommand, ListInstancesCommand, ListPermissionSetsCommand, SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import {
  AwsSimulator, CallCounter, FaultInjector, IamModel, PolicyConditions, PolicyStatement, SeededRandom, SimulatedClock, statementsOf, WebhookRecorder,
} from '../../simulator';
import { AwsError } from '../../simulator/protocol/aws-error';
import { accessKeyIdOf, HttpFront } from '../../simulator/protocol/http-front';
import { JsonInput, RequestContext, ServiceHandler } from '../../simulator/protocol/service-handler';
import { matches } from '../../simulator/services/iam/iam-model';
import { ssoAdminAuthorization, ssoAdminAuthorizations } from '../../simulator/services/identity-center/authorization';

const ACCOUNT = '111111111111';
const INSTANCE = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const PS = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef';
const OTHER_PS = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-fedcba0987654321';

function model() {
  return new IamModel(new SeededRandom(1), { accountId: ACCOUNT });
}

function roleWith(iam: IamModel, policy: PolicyStatement[]) {
  const role = iam.createRole({ accountId: ACCOUNT, name: 'Reconciler', path: '/automation/', policy });
  return { role, caller: iam.callerFor(iam.credentialsFor(role.arn, 'run-1').accessKeyId) };
}

function denial(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AwsError);
    expect((error as AwsError).code).toBe('AccessDeniedException');
    return (error as AwsError).message;
  }
  throw new Error('expected AccessDeniedException');
}

describe('IAM wildcard matching', () => {
  test.each([
    ['sso:List*', 'sso:ListPermissionSets', true],
    ['sso:*', 'sso:ListInstances', true],
    ['sso:List*', 'sso:DescribePermissionSet', false],
    ['sso:Describe?ermissionSet', 'sso:DescribePermissionSet', true],
    ['sso:Describe?PermissionSet', 'sso:DescribePermissionSet', false],
    ['*', 'anything', true],
    ['a*b*c', 'abc', true],
    ['a.c', 'abc', false],
  ])('%s against %s: %s', (pattern, value, expected) => {
    expect(matches(pattern, value, false)).toBe(expected);
  });

  test('actions match case-insensitively, resources case-sensitively', () => {
    expect(matches('SSO:listpermissionsets', 'sso:ListPermissionSets', true)).toBe(true);
    expect(matches('arn:aws:sso:::PermissionSet/*', PS, false)).toBe(false);
    expect(matches('arn:aws:sso:::permissionSet/*', PS, false)).toBe(true);
  });
});

describe('IAM policy evaluation', () => {
  test('the default caller is an administrator of the default account, allowed everything', () => {
    const iam = model();
    for (const key of [undefined, 'AKIASIMULATOR0000000', 'ASIAUNKNOWN000000000']) {
      const caller = iam.callerFor(key);
      expect(caller).toEqual({ accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, admin: true });
      expect(() => iam.authorize(caller, 'sso:DeletePermissionSet', [INSTANCE, PS])).not.toThrow();
    }
    iam.setDefaultCallerAccount('222222222222');
    expect(iam.callerFor(undefined).arn).toBe('arn:aws:iam::222222222222:root');
  });

  test('issued credentials resolve to the role session, with a fresh ASIA key each time', () => {
    const iam = model();
    const role = iam.createRole({ accountId: ACCOUNT, name: 'Reconciler', path: '/automation/', policy: [] });
    expect(role.arn).toBe(`arn:aws:iam::${ACCOUNT}:role/automation/Reconciler`);
    const first = iam.credentialsFor(role.arn, 'run-1');
    const second = iam.credentialsFor(role.arn);
    expect(first.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(iam.callerFor(first.accessKeyId)).toEqual({
      accountId: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Reconciler/run-1`, roleArn: role.arn, sessionName: 'run-1', admin: false,
    });
    expect(iam.callerFor(second.accessKeyId).arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Reconciler/session`);
    // Same seed, same keys.
    const again = model();
    const replayed = again.createRole({ accountId: ACCOUNT, name: 'Reconciler', path: '/automation/', policy: [] });
    expect(again.credentialsFor(replayed.arn, 'run-1')).toEqual(first);
  });

  test('nothing allowed is denied, with the message AWS gives', () => {
    const iam = model();
    const { caller } = roleWith(iam, [{ effect: 'Allow', actions: ['sso:ListPermissionSets'], resources: ['*'] }]);
    expect(() => iam.authorize(caller, 'sso:ListPermissionSets', [INSTANCE])).not.toThrow();
    expect(denial(() => iam.authorize(caller, 'sso:DescribePermissionSet', [INSTANCE, PS]))).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/Reconciler/run-1 is not authorized to perform: sso:DescribePermissionSet `
      + `on resource: ${INSTANCE} because no identity-based policy allows the sso:DescribePermissionSet action`);
  });

  test('every resource must be allowed; the message names the first one that is not', () => {
    const iam = model();
    const { caller } = roleWith(iam, [{ effect: 'Allow', actions: ['sso:DescribePermissionSet'], resources: [INSTANCE, PS] }]);
    expect(() => iam.authorize(caller, 'sso:DescribePermissionSet', [INSTANCE, PS])).not.toThrow();
    expect(iam.isAllowed(caller, 'sso:DescribePermissionSet', OTHER_PS)).toBe(false);
    expect(denial(() => iam.authorize(caller, 'sso:DescribePermissionSet', [INSTANCE, OTHER_PS]))).toContain(`on resource: ${OTHER_PS} because`);
  });

  test('an explicit deny wins over any allow', () => {
    const iam = model();
    const { caller } = roleWith(iam, [
      { effect: 'Allow', actions: ['sso:*'], resources: ['*'] },
      { effect: 'Deny', actions: ['sso:Delete*'], resources: [PS] },
    ]);
    expect(iam.isAllowed(caller, 'sso:DeletePermissionSet', OTHER_PS)).toBe(true);
    expect(iam.isAllowed(caller, 'sso:DeletePermissionSet', PS)).toBe(false);
    expect(denial(() => iam.authorize(caller, 'sso:DeletePermissionSet', [INSTANCE, PS]))).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/Reconciler/run-1 is not authorized to perform: sso:DeletePermissionSet `
      + `on resource: ${PS} with an explicit deny in an identity-based policy`);
  });

  test('a redeployed policy applies to sessions already issued', () => {
    const iam = model();
    const { role, caller } = roleWith(iam, []);
    expect(iam.isAllowed(caller, 'sso:ListInstances', '*')).toBe(false);
    iam.putRolePolicy(role.arn, [{ effect: 'Allow', actions: ['sso:ListInstances'], resources: ['*'] }]);
    expect(iam.isAllowed(caller, 'sso:ListInstances', '*')).toBe(true);
  });

  test('UpdateAssumeRolePolicy changes who is trusted; DeleteRole refuses a role that still has policies (DeleteConflict)', () => {
    const iam = model();
    const runner = iam.createRole({ accountId: ACCOUNT, name: 'Runner', policy: [] });
    const target = iam.createRole({ accountId: ACCOUNT, name: 'Target', policy: [{ effect: 'Allow', actions: ['sso:*'], resources: ['*'] }] });
    expect(iam.trusts(target.arn, runner.arn)).toBe(false);
    iam.updateAssumeRolePolicy(target.arn, [runner.arn]);
    expect(iam.trusts(target.arn, runner.arn)).toBe(true);

    expect(() => iam.deleteRole(target.arn)).toThrow(expect.objectContaining({
      code: 'DeleteConflict', status: 409, message: 'Cannot delete entity, must delete policies first.',
    }));
    iam.putRolePolicy(target.arn, []);
    expect(iam.deleteRole(target.arn)).toBe(true);
    expect(iam.role(target.arn)).toBeUndefined();
    expect(iam.deleteRole(target.arn)).toBe(false);
  });

  test('a trust policy admits the named role, its sessions, or the root of its account', () => {
    const iam = model();
    const runner = iam.createRole({ accountId: ACCOUNT, name: 'Runner', policy: [] });
    const byRole = iam.createRole({ accountId: '222222222222', name: 'ByRole', policy: [], trustedPrincipalArns: [runner.arn] });
    const byAccount = iam.createRole({
      accountId: '222222222222', name: 'ByAccount', policy: [], trustedPrincipalArns: [`arn:aws:iam::${ACCOUNT}:root`],
    });
    const session = iam.callerFor(iam.credentialsFor(runner.arn).accessKeyId).arn;
    expect(iam.trusts(byRole.arn, runner.arn)).toBe(true);
    expect(iam.trusts(byRole.arn, session)).toBe(true);
    expect(iam.trusts(byAccount.arn, session)).toBe(true);
    expect(iam.trusts(byRole.arn, `arn:aws:sts::${ACCOUNT}:assumed-role/Other/session`)).toBe(false);
    expect(iam.trusts(byAccount.arn, 'arn:aws:iam::333333333333:role/Runner')).toBe(false);
  });
});

describe('IAM policy conditions', () => {
  const CATALOG = 'aws:ResourceTag/cdk-identity-center-permissions:catalog';
  let roles = 0;
  /** PS is tagged with `tags`, OTHER_PS has no tags, anything else is unknown to the resolver. */
  function tagged(tags: Record<string, string>) {
    const iam = model();
    iam.registerResourceTags((arn) => (arn === PS ? tags : arn === OTHER_PS ? {} : undefined));
    return iam;
  }
  function allowedOn(iam: IamModel, conditions: PolicyConditions, effect: 'Allow' | 'Deny' = 'Allow') {
    const policy: PolicyStatement[] = effect === 'Allow'
      ? [{ effect, actions: ['sso:DeleteAccountAssignment'], resources: ['arn:aws:sso:::permissionSet/*'], conditions }]
      : [
        { effect: 'Allow', actions: ['sso:*'], resources: ['*'] },
        { effect, actions: ['sso:DeleteAccountAssignment'], resources: ['arn:aws:sso:::permissionSet/*'], conditions },
      ];
    const role = iam.createRole({ accountId: ACCOUNT, name: `Role${++roles}`, policy });
    const caller = iam.callerFor(iam.credentialsFor(role.arn).accessKeyId);
    return (resource: string) => iam.isAllowed(caller, 'sso:DeleteAccountAssignment', resource);
  }

  test('aws:ResourceTag reads the tags of the resource being evaluated; a resource without the tag is denied with AWS\'s message', () => {
    const iam = tagged({ 'cdk-identity-center-permissions:catalog': 'cat-1' });
    const { caller } = roleWith(iam, [
      { effect: 'Allow', actions: ['sso:DeleteAccountAssignment'], resources: [INSTANCE, 'arn:aws:sso:::account/*'] },
      {
        effect: 'Allow',
        actions: ['sso:DeleteAccountAssignment'],
        resources: ['arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/*'],
        conditions: { StringEquals: { [CATALOG]: 'cat-1' } },
      },
    ]);
    const account = 'arn:aws:sso:::account/123456789012';
    expect(() => iam.authorize(caller, 'sso:DeleteAccountAssignment', [INSTANCE, PS, account])).not.toThrow();
    expect(iam.resourceTags(OTHER_PS)).toEqual({});
    expect(iam.resourceTags(INSTANCE)).toEqual({});
    expect(denial(() => iam.authorize(caller, 'sso:DeleteAccountAssignment', [INSTANCE, OTHER_PS, account]))).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/Reconciler/run-1 is not authorized to perform: sso:DeleteAccountAssignment `
      + `on resource: ${OTHER_PS} because no identity-based policy allows the sso:DeleteAccountAssignment action`);
  });

  test('several values of one key are ORed; several keys, and several operators, are ANDed', () => {
    const iam = tagged({ team: 'blue', env: 'prod' });
    expect(allowedOn(iam, { StringEquals: { 'aws:ResourceTag/team': ['green', 'blue'] } })(PS)).toBe(true);
    expect(allowedOn(iam, { StringEquals: { 'aws:ResourceTag/team': ['green', 'red'] } })(PS)).toBe(false);
    expect(allowedOn(iam, { StringEquals: { 'aws:ResourceTag/team': 'blue', 'aws:ResourceTag/env': 'prod' } })(PS)).toBe(true);
    expect(allowedOn(iam, { StringEquals: { 'aws:ResourceTag/team': 'blue', 'aws:ResourceTag/env': 'dev' } })(PS)).toBe(false);
    expect(allowedOn(iam, { StringEquals: { 'aws:ResourceTag/team': 'blue' }, StringLike: { 'aws:ResourceTag/env': 'pr*' } })(PS)).toBe(true);
    expect(allowedOn(iam, { StringEquals: { 'aws:ResourceTag/team': 'blue' }, StringLike: { 'aws:ResourceTag/env': 'de?' } })(PS)).toBe(false);
  });

  test('a missing key: StringEquals and StringLike are false, StringNotEquals is true, ...IfExists is true', () => {
    const iam = tagged({ team: 'blue' });
    for (const resource of [PS, OTHER_PS]) {
      expect(allowedOn(iam, { StringEquals: { 'aws:ResourceTag/owner': 'me' } })(resource)).toBe(false);
      expect(allowedOn(iam, { StringLike: { 'aws:ResourceTag/owner': '*' } })(resource)).toBe(false);
      expect(allowedOn(iam, { StringNotEquals: { 'aws:ResourceTag/owner': 'me' } })(resource)).toBe(true);
      expect(allowedOn(iam, { StringNotLike: { 'aws:ResourceTag/owner': 'm*' } })(resource)).toBe(true);
      expect(allowedOn(iam, { StringEqualsIfExists: { 'aws:ResourceTag/owner': 'me' } })(resource)).toBe(true);
    }
    // A resource no service knows has no tags.
    expect(allowedOn(iam, { StringNotEquals: { 'aws:ResourceTag/owner': 'me' } })('arn:aws:sso:::permissionSet/elsewhere')).toBe(true);
  });

  test('a negated operator with several values is a NOR: the value must match none of them', () => {
    const iam = tagged({ team: 'blue' });
    expect(allowedOn(iam, { StringNotEquals: { 'aws:ResourceTag/team': ['green', 'red'] } })(PS)).toBe(true);
    expect(allowedOn(iam, { StringNotEquals: { 'aws:ResourceTag/team': ['green', 'blue'] } })(PS)).toBe(false);
    expect(allowedOn(iam, { StringNotLike: { 'aws:ResourceTag/team': ['g*', 'b*'] } })(PS)).toBe(false);
    expect(allowedOn(iam, { StringNotEqualsIfExists: { 'aws:ResourceTag/team': 'blue' } })(PS)).toBe(false);
  });

  test('tag keys in a condition are case-insensitive, values case-sensitive unless IgnoreCase; so is the key name', () => {
    const iam = tagged({ Team: 'Blue' });
    expect(allowedOn(iam, { StringEquals: { 'aws:ResourceTag/team': 'Blue' } })(PS)).toBe(true);
    expect(allowedOn(iam, { StringEquals: { 'AWS:resourcetag/TEAM': 'Blue' } })(PS)).toBe(true);
    expect(allowedOn(iam, { StringEquals: { 'aws:ResourceTag/Team': 'blue' } })(PS)).toBe(false);
    expect(allowedOn(iam, { StringEqualsIgnoreCase: { 'aws:ResourceTag/Team': 'blue' } })(PS)).toBe(true);
    expect(allowedOn(iam, { StringNotEqualsIgnoreCase: { 'aws:ResourceTag/Team': 'BLUE' } })(PS)).toBe(false);
    expect(allowedOn(iam, { StringLike: { 'aws:ResourceTag/Team': 'b*' } })(PS)).toBe(false);
  });

  test('a Deny applies only when its conditions hold', () => {
    const iam = tagged({ protected: 'true' });
    const check = allowedOn(iam, { StringEquals: { 'aws:ResourceTag/protected': 'true' } }, 'Deny');
    expect(check(PS)).toBe(false);
    expect(check(OTHER_PS)).toBe(true);
  });

  // What the simulator does not evaluate never widens access: an Allow that uses it does not apply, a Deny does.
  test.each<[string, PolicyConditions]>([
    ['another operator', { NumericEquals: { 'aws:ResourceTag/team': '1' } }],
    ['a set operator', { 'ForAnyValue:StringEquals': { 'aws:ResourceTag/team': 'blue' } }],
    ['a misspelt operator', { stringequals: { 'aws:ResourceTag/team': 'blue' } }],
    ['another context key', { StringEquals: { 'aws:PrincipalTag/team': 'blue' } }],
    ['a request tag', { StringEquals: { 'aws:RequestTag/team': 'blue' } }],
    ['a policy variable', { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } }],
    ['an empty value list', { StringNotEquals: { 'aws:ResourceTag/team': [] } }],
    ['a non-string value', { StringEquals: { 'aws:ResourceTag/team': { 'Fn::GetAtt': ['X', 'Y'] } as unknown as string } }],
    ['one unknown operator beside one that holds', { StringEquals: { 'aws:ResourceTag/team': 'blue' }, Bool: { 'aws:SecureTransport': 'true' } }],
  ])('not understood, %s: never widens access', (_name, conditions) => {
    const iam = tagged({ team: 'blue' });
    expect(allowedOn(iam, conditions)(PS)).toBe(false);
    expect(allowedOn(iam, conditions, 'Deny')(PS)).toBe(false);
    // Even where a known condition is false, the Deny still applies (the stricter reading).
    expect(allowedOn(iam, { ...conditions, StringLike: { 'aws:ResourceTag/team': 'red' } }, 'Deny')(OTHER_PS)).toBe(false);
  });

  test('a resource carrying a tag key in two spellings is not decided either way', () => {
    const iam = tagged({ team: 'blue', Team: 'blue' });
    expect(allowedOn(iam, { StringEquals: { 'aws:ResourceTag/team': 'blue' } })(PS)).toBe(false);
    expect(allowedOn(iam, { StringEquals: { 'aws:ResourceTag/team': 'red' } }, 'Deny')(PS)).toBe(false);
  });

  test('statements without conditions, or with an empty Condition element, apply as before', () => {
    const iam = tagged({});
    expect(allowedOn(iam, {})(PS)).toBe(true);
  });

  test('statementsOf carries Condition through, scalars as strings; NotAction statements are still left out', () => {
    expect(statementsOf({
      Statement: [
        { Effect: 'Allow', Action: 'sso:ProvisionPermissionSet', Resource: 'arn:aws:sso:::permissionSet/*', Condition: { StringEquals: { [CATALOG]: 'cat-1' } } },
        { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': false }, NumericLessThan: { 'x:n': [1, 2] } } },
        { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
        { Effect: 'Allow', Action: 'sso:List*' },
      ],
    })).toEqual([
      { effect: 'Allow', actions: ['sso:ProvisionPermissionSet'], resources: ['arn:aws:sso:::permissionSet/*'], conditions: { StringEquals: { [CATALOG]: 'cat-1' } } },
      { effect: 'Deny', actions: ['*'], resources: ['*'], conditions: { Bool: { 'aws:MultiFactorAuthPresent': 'false' }, NumericLessThan: { 'x:n': ['1', '2'] } } },
      { effect: 'Allow', actions: ['sso:List*'], resources: ['*'] },
    ]);
  });
});

describe('sso-admin authorization resources (Service Authorization Reference)', () => {
  const account = 'arn:aws:sso:::account/123456789012';
  test.each([
    ['CreateAccountAssignment', { PermissionSetArn: PS, TargetId: '123456789012' }, [INSTANCE, PS, account]],
    ['ListAccountAssignments', { PermissionSetArn: PS, AccountId: '123456789012' }, [INSTANCE, PS, account]],
    ['ProvisionPermissionSet', { PermissionSetArn: PS, TargetType: 'AWS_ACCOUNT', TargetId: '123456789012' }, [INSTANCE, PS, account]],
    ['ProvisionPermissionSet', { PermissionSetArn: PS, TargetType: 'ALL_PROVISIONED_ACCOUNTS' }, [INSTANCE, PS, 'arn:aws:sso:::account/*']],
    ['DeletePermissionSet', { PermissionSetArn: PS }, [INSTANCE, PS]],
    ['ListPermissionSetsProvisionedToAccount', { AccountId: '123456789012' }, [INSTANCE, account]],
    ['CreatePermissionSet', { Name: 'Admin' }, [INSTANCE, 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/*']],
    ['ListAccountAssignmentsForPrincipal', { PrincipalId: 'x' }, [INSTANCE]],
    ['DescribePermissionSetProvisioningStatus', { ProvisionPermissionSetRequestId: 'x' }, [INSTANCE]],
    ['ListInstances', {}, ['*']],
    ['TagResource', { ResourceArn: PS, Tags: [] }, [INSTANCE, PS]],
    ['UntagResource', { ResourceArn: PS, TagKeys: ['a'] }, [INSTANCE, PS]],
    ['ListTagsForResource', { ResourceArn: PS }, [INSTANCE, PS]],
    ['ListTagsForResource', { ResourceArn: INSTANCE }, [INSTANCE]],
  ])('%s %j', (operation, input, resources) => {
    expect(ssoAdminAuthorization(operation, input, INSTANCE)).toEqual({ action: `sso:${operation}`, resources });
  });

  test('CreatePermissionSet with tags also needs sso:TagResource, on the same resources', () => {
    const space = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/*';
    expect(ssoAdminAuthorizations('CreatePermissionSet', { Name: 'Admin' }, INSTANCE)).toEqual([
      { action: 'sso:CreatePermissionSet', resources: [INSTANCE, space] },
    ]);
    expect(ssoAdminAuthorizations('CreatePermissionSet', { Name: 'Admin', Tags: [{ Key: 'k', Value: 'v' }] }, INSTANCE)).toEqual([
      { action: 'sso:CreatePermissionSet', resources: [INSTANCE, space] },
      { action: 'sso:TagResource', resources: [INSTANCE, space] },
    ]);
  });

  test('the partition is the instance ARN\'s', () => {
    const govInstance = 'arn:aws-us-gov:sso:::instance/ssoins-1234567890abcdef';
    expect(ssoAdminAuthorization('ListPermissionSetsProvisionedToAccount', { AccountId: '123456789012' }, govInstance).resources)
      .toEqual([govInstance, 'arn:aws-us-gov:sso:::account/123456789012']);
  });
});

describe('the caller through the real SDK', () => {
  test('the access key id is read from the SigV4 Authorization header', () => {
    expect(accessKeyIdOf('AWS4-HMAC-SHA256 Credential=ASIAABCDEFGHIJKLMNOP/20260101/us-east-1/sso/aws4_request, '
      + 'SignedHeaders=host;x-amz-date, Signature=abc')).toBe('ASIAABCDEFGHIJKLMNOP');
    expect(accessKeyIdOf('Bearer token')).toBeUndefined();
    expect(accessKeyIdOf(undefined)).toBeUndefined();
  });

  test('a handler sees the signer of the request and can refuse it; the SDK gets AccessDeniedException', async () => {
    const iam = model();
    const policy: PolicyStatement[] = [{ effect: 'Allow', actions: ['sso:ListPermissionSets'], resources: ['*'] }];
    const role = iam.createRole({ accountId: ACCOUNT, name: 'ReadOnly', policy });
    const seen: string[] = [];
    // A stand-in for the sso-admin handler: records the caller, authorizes like the real one will.
    const handler: ServiceHandler = {
      service: 'sso-admin',
      handle: (operation: string, input: JsonInput, context: RequestContext) => {
        seen.push(context.caller.arn);
        iam.authorize(context.caller, ...authorizationOf(operation, input));
        return operation === 'ListPermissionSets' ? { PermissionSets: [PS] } : {};
      },
      throttlingError: () => new AwsError('ThrottlingException', 'Rate exceeded'),
      serverError: (status) => new AwsError('InternalServerException', 'internal', { status }),
    };
    const clock = new SimulatedClock({ speed: 0 });
    const front = new HttpFront({
      jsonRoutes: [{ targetPrefix: 'SWBExternalService', jsonVersion: '1.1', handler }],
      queryRoutes: [{ signingName: 'sso', xmlNamespace: 'urn:none', handler }],
      webhooks: new WebhookRecorder(),
      calls: new CallCounter(),
      faults: new FaultInjector(new SeededRandom(2), clock),
      clock,
      requestIds: new SeededRandom(3),
      region: 'us-east-1',
      iam,
      observers: [],
    });
    await front.listen(0);
    try {
      const config = { endpoint: front.endpoint, region: 'us-east-1', maxAttempts: 1 };
      const reader = new SSOAdminClient({ ...config, credentials: iam.credentialsFor(role.arn, 'reader') });
      const admin = new SSOAdminClient({ ...config, credentials: { accessKeyId: 'AKIASIMULATOR0000000', secretAccessKey: 'x' } });

      expect((await reader.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE }))).PermissionSets).toEqual([PS]);
      const denied = reader.send(new DescribePermissionSetCommand({ InstanceArn: INSTANCE, PermissionSetArn: PS }));
      await expect(denied).rejects.toBeInstanceOf(AccessDeniedException);
      await expect(denied).rejects.toThrow(`User: arn:aws:sts::${ACCOUNT}:assumed-role/ReadOnly/reader is not authorized to perform: `
        + `sso:DescribePermissionSet on resource: ${INSTANCE} because no identity-based policy allows the sso:DescribePermissionSet action`);
      await admin.send(new DescribePermissionSetCommand({ InstanceArn: INSTANCE, PermissionSetArn: PS }));

      expect(seen).toEqual([
        `arn:aws:sts::${ACCOUNT}:assumed-role/ReadOnly/reader`,
        `arn:aws:sts::${ACCOUNT}:assumed-role/ReadOnly/reader`,
        `arn:aws:iam::${ACCOUNT}:root`,
      ]);
      expect(front.unexpectedErrors).toEqual([]);
    } finally {
      await front.close();
    }
  });

  test('the simulator resolves every signed request through sim.iam', async () => {
    const sim = await AwsSimulator.start({ seed: 5, clock: { speed: 0 } });
    try {
      expect(sim.iam.callerFor(sim.clientConfig().credentials.accessKeyId).arn).toBe(`arn:aws:iam::${sim.organizations.managementAccountId}:root`);
      const role = sim.iam.createRole({ accountId: sim.accountId, name: 'Reconciler', policy: [{ effect: 'Allow', actions: ['sso:ListInstances'], resources: ['*'] }] });
      const credentials = sim.iam.credentialsFor(role.arn);
      const resolve = jest.spyOn(sim.iam, 'callerFor');
      const client = new SSOAdminClient({ ...sim.clientConfig(), credentials, maxAttempts: 1 });
      const { Instances } = await client.send(new ListInstancesCommand({}));
      // Identity Center authorizes every call with the caller's policy.
      await expect(client.send(new ListPermissionSetsCommand({ InstanceArn: Instances![0].InstanceArn! })))
        .rejects.toThrow(`User: arn:aws:sts::${sim.accountId}:assumed-role/Reconciler/session is not authorized to perform: sso:ListPermissionSets on resource: ${Instances![0].InstanceArn}`);
      expect(resolve).toHaveBeenCalledWith(credentials.accessKeyId);
      expect(resolve.mock.results[0].value).toMatchObject({ arn: `arn:aws:sts::${sim.accountId}:assumed-role/Reconciler/session`, admin: false });
      expect(sim.delegatedAdministratorAccountId).toBeUndefined();
      expect(sim.unexpectedErrors).toEqual([]);
    } finally {
      await sim.stop();
    }
  });

  test('with a delegated administrator, the default caller works in a member account of the organization', async () => {
    const sim = await AwsSimulator.start({ seed: 5, clock: { speed: 0 }, identityCenter: { delegatedAdministrator: true } });
    try {
      const delegated = sim.delegatedAdministratorAccountId!;
      expect(sim.organizations.account(delegated)?.name).toBe('Delegated Admin');
      expect(delegated).not.toBe(sim.organizations.managementAccountId);
      expect(sim.iam.callerFor(sim.clientConfig().credentials.accessKeyId))
        .toEqual({ accountId: delegated, arn: `arn:aws:iam::${delegated}:root`, admin: true });
    } finally {
      await sim.stop();
    }
  });
});

function authorizationOf(operation: string, input: JsonInput): [string, string[]] {
  const { action, resources } = ssoAdminAuthorization(operation, input, INSTANCE);
  return [action, resources];
}
