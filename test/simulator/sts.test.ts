import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AccessDeniedException, ListAccountAssignmentsForPrincipalCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AwsSimulator, IamModel, SeededRandom, TrustStatement } from '../../simulator';

/** The trust policy CDK synthesizes for a role assumed by a role that may not exist yet: the account's root, narrowed. */
function readerTrustDocument(trustedAccount: string, roleArn: string) {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: `arn:aws:iam::${trustedAccount}:root` },
      Condition: { ArnEquals: { 'aws:PrincipalArn': roleArn } },
    }],
  };
}

const LIST_FOR_PRINCIPAL = 'sso:ListAccountAssignmentsForPrincipal';

/**
 * A delegated administrator account (the default caller's) whose reconciler role reads per-principal assignments
 * through a reader role in the management account, deployed by CloudFormation as CDK synthesizes it.
 */
async function readerWorld() {
  const sim = await AwsSimulator.start({ seed: 17, clock: { speed: 0 }, identityCenter: { delegatedAdministrator: true } });
  const management = sim.organizations.managementAccountId;
  const delegated = sim.delegatedAdministratorAccountId!;
  const readerArn = `arn:aws:iam::${management}:role/assignment-reader`;
  const assume = { effect: 'Allow' as const, actions: ['sts:AssumeRole'], resources: [readerArn] };
  const reconciler = sim.iam.createRole({ accountId: delegated, name: 'reconciler', policy: [assume] });
  const other = sim.iam.createRole({ accountId: delegated, name: 'other', policy: [assume] });
  const result = await sim.cloudFormation.deploy('Reader', {
    Resources: {
      Reader: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'assignment-reader',
          AssumeRolePolicyDocument: readerTrustDocument(delegated, reconciler.arn),
          Policies: [{ PolicyName: 'read', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: LIST_FOR_PRINCIPAL, Resource: '*' }] } }],
        },
      },
    },
  }, { accountId: management });
  expect(result.status).toBe('CREATE_COMPLETE');
  const stsAs = (roleArn: string, sessionName = 'run') => new STSClient({ ...sim.clientConfig(), credentials: sim.iam.credentialsFor(roleArn, sessionName), maxAttempts: 1 });
  const group = sim.identityStore.createGroup('Platform');
  const listInput = { InstanceArn: sim.identityCenter.instanceArn, PrincipalId: group.id, PrincipalType: 'GROUP' as const };
  return { sim, management, delegated, readerArn, reconciler, other, stsAs, listInput };
}

/** The error the SDK rejected with: STS's AccessDenied and ValidationError are not modelled shapes, so only name and message. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('STS AssumeRole through the real SDK', () => {
  let world: Awaited<ReturnType<typeof readerWorld>>;
  beforeEach(async () => {
    world = await readerWorld();
  });
  afterEach(async () => {
    expect(world.sim.unexpectedErrors).toEqual([]);
    await world.sim.stop();
  });

  test('the reconciler assumes the reader across accounts; its credentials call as the reader, in the management account', async () => {
    const { sim, management, delegated, readerArn, reconciler, stsAs, listInput } = world;
    const ownCredentials = sim.iam.credentialsFor(reconciler.arn, 'run');
    const asReconciler = new SSOAdminClient({ ...sim.clientConfig(), credentials: ownCredentials, maxAttempts: 1 });
    await expect(asReconciler.send(new ListAccountAssignmentsForPrincipalCommand(listInput))).rejects.toBeInstanceOf(AccessDeniedException);

    const out = await stsAs(reconciler.arn).send(new AssumeRoleCommand({ RoleArn: readerArn, RoleSessionName: 'reads', DurationSeconds: 3600 }));
    const role = sim.iam.role(readerArn)!;
    expect(out.AssumedRoleUser).toEqual({ Arn: `arn:aws:sts::${management}:assumed-role/assignment-reader/reads`, AssumedRoleId: `${role.roleId}:reads` });
    expect(role.roleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(out.Credentials).toEqual({
      AccessKeyId: expect.stringMatching(/^ASIA[A-Z0-9]{16}$/),
      SecretAccessKey: expect.any(String),
      SessionToken: expect.any(String),
      Expiration: new Date(sim.clock.now() + 3600_000),
    });

    const issued = out.Credentials!;
    const credentials = { accessKeyId: issued.AccessKeyId!, secretAccessKey: issued.SecretAccessKey!, sessionToken: issued.SessionToken };
    const identity = await new STSClient({ ...sim.clientConfig(), credentials }).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: management, Arn: `arn:aws:sts::${management}:assumed-role/assignment-reader/reads`, UserId: `${role.roleId}:reads` });
    const asReader = new SSOAdminClient({ ...sim.clientConfig(), credentials, maxAttempts: 1 });
    expect((await asReader.send(new ListAccountAssignmentsForPrincipalCommand(listInput))).AccountAssignments).toEqual([]);
    expect(sim.calls.count('sts', 'AssumeRole')).toBe(1);
    expect(sim.calls.count('sts', 'GetCallerIdentity')).toBe(1);
    expect(delegated).not.toBe(management);
  });

  test('another role of the trusted account, not the one aws:PrincipalArn names, is refused with AccessDenied', async () => {
    const { delegated, readerArn, other, stsAs } = world;
    expect(await failure(stsAs(other.arn).send(new AssumeRoleCommand({ RoleArn: readerArn, RoleSessionName: 'run' })))).toEqual({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::${delegated}:assumed-role/other/run is not authorized to perform: sts:AssumeRole on resource: ${readerArn}`,
      status: 403,
    });
  });

  test('the named role is refused when its own policy does not allow sts:AssumeRole on the reader', async () => {
    const { sim, delegated, readerArn, reconciler, stsAs } = world;
    sim.iam.putRolePolicy(reconciler.arn, [{ effect: 'Allow', actions: ['sts:GetCallerIdentity'], resources: ['*'] }]);
    expect(await failure(stsAs(reconciler.arn).send(new AssumeRoleCommand({ RoleArn: readerArn, RoleSessionName: 'run' })))).toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::${delegated}:assumed-role/reconciler/run is not authorized to perform: sts:AssumeRole on resource: ${readerArn}`,
    });
    sim.iam.putRolePolicy(reconciler.arn, [
      { effect: 'Allow', actions: ['sts:*'], resources: ['*'] },
      { effect: 'Deny', actions: ['sts:AssumeRole'], resources: [readerArn] },
    ]);
    expect((await failure(stsAs(reconciler.arn).send(new AssumeRoleCommand({ RoleArn: readerArn, RoleSessionName: 'run' })))).name).toBe('AccessDenied');
  });

  test('in one account a trust policy naming the role is enough, one naming the root is not; an explicit deny always refuses', async () => {
    const { sim, management, stsAs } = world;
    const runner = sim.iam.createRole({ accountId: management, name: 'runner', policy: [] });
    const byName = sim.iam.createRole({ accountId: management, name: 'by-name', policy: [], trustedPrincipalArns: [runner.arn] });
    const byRoot = sim.iam.createRole({ accountId: management, name: 'by-root', policy: [], trustedPrincipalArns: [`arn:aws:iam::${management}:root`] });
    const assume = (roleArn: string) => stsAs(runner.arn).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'run' }));
    expect((await assume(byName.arn)).AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${management}:assumed-role/by-name/run`);
    expect((await failure(assume(byRoot.arn))).name).toBe('AccessDenied');
    sim.iam.putRolePolicy(runner.arn, [{ effect: 'Allow', actions: ['sts:AssumeRole'], resources: [byRoot.arn] }]);
    expect((await assume(byRoot.arn)).AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${management}:assumed-role/by-root/run`);
    sim.iam.putRolePolicy(runner.arn, [{ effect: 'Deny', actions: ['sts:AssumeRole'], resources: ['*'] }]);
    expect((await failure(assume(byName.arn))).name).toBe('AccessDenied');
  });

  test('role chaining limits DurationSeconds to one hour, whatever the role allows; the role\'s MaxSessionDuration limits everyone', async () => {
    const { sim, management, delegated, readerArn, reconciler, stsAs } = world;
    const longReader = sim.iam.createRole({
      accountId: management,
      name: 'long-reader',
      policy: [],
      maxSessionDurationSeconds: 43_200,
      trustPolicy: [{ effect: 'Allow', awsPrincipals: [reconciler.arn, `arn:aws:iam::${delegated}:root`] }],
    });
    sim.iam.putRolePolicy(reconciler.arn, [{ effect: 'Allow', actions: ['sts:AssumeRole'], resources: [readerArn, longReader.arn] }]);
    expect(await failure(stsAs(reconciler.arn).send(new AssumeRoleCommand({ RoleArn: longReader.arn, RoleSessionName: 'run', DurationSeconds: 7200 })))).toEqual({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      status: 400,
    });
    // The default caller is no session: not chaining, so the role's own limit applies.
    const admin = new STSClient({ ...sim.clientConfig(), maxAttempts: 1 });
    const long = await admin.send(new AssumeRoleCommand({ RoleArn: longReader.arn, RoleSessionName: 'admin', DurationSeconds: 43_200 }));
    expect(long.Credentials?.Expiration).toEqual(new Date(sim.clock.now() + 43_200_000));
    const trustsAdmin = sim.iam.createRole({ accountId: delegated, name: 'short', policy: [], trustedPrincipalArns: [`arn:aws:iam::${delegated}:root`] });
    expect(await failure(admin.send(new AssumeRoleCommand({ RoleArn: trustsAdmin.arn, RoleSessionName: 'admin', DurationSeconds: 7200 })))).toMatchObject({
      name: 'ValidationError', message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
  });

  test('a role that does not exist is AccessDenied, like one that does not trust the caller', async () => {
    const { management, delegated, reconciler, stsAs, sim } = world;
    const missing = `arn:aws:iam::${management}:role/assignment-reader-typo`;
    sim.iam.putRolePolicy(reconciler.arn, [{ effect: 'Allow', actions: ['sts:AssumeRole'], resources: ['*'] }]);
    expect(await failure(stsAs(reconciler.arn).send(new AssumeRoleCommand({ RoleArn: missing, RoleSessionName: 'run' })))).toEqual({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::${delegated}:assumed-role/reconciler/run is not authorized to perform: sts:AssumeRole on resource: ${missing}`,
      status: 403,
    });
  });

  test('request members are validated first, all failures in one ValidationError', async () => {
    const { readerArn, reconciler, stsAs } = world;
    const sts = stsAs(reconciler.arn);
    expect(await failure(sts.send(new AssumeRoleCommand({ RoleArn: readerArn, RoleSessionName: 'dependabot[bot]' })))).toEqual({
      name: 'ValidationError',
      message: "1 validation error detected: Value 'dependabot[bot]' at 'roleSessionName' failed to satisfy constraint: "
        + 'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
      status: 400,
    });
    expect((await failure(sts.send(new AssumeRoleCommand({ RoleArn: readerArn, RoleSessionName: 'x', DurationSeconds: 600 })))).message).toBe(
      "2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; "
      + "Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
  });

  test('SNS and STS share the query endpoint: each request reaches the service its signature is scoped to', async () => {
    const { sim, reconciler, stsAs } = world;
    const topicArn = sim.sns.createTopic('runs');
    const published = await new SNSClient(sim.clientConfig()).send(new PublishCommand({ TopicArn: topicArn, Message: 'done' }));
    expect(sim.sns.messages(topicArn)).toEqual([expect.objectContaining({ messageId: published.MessageId, message: 'done' })]);
    const identity = await stsAs(reconciler.arn, 'who').send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(`arn:aws:sts::${sim.delegatedAdministratorAccountId}:assumed-role/reconciler/who`);
    expect(sim.calls.byOperation()).toMatchObject({ 'sns:Publish': 1, 'sts:GetCallerIdentity': 1 });
    // GetCallerIdentity needs no permission, and the default caller is its account's root.
    const admin = await new STSClient(sim.clientConfig()).send(new GetCallerIdentityCommand({}));
    expect(admin).toMatchObject({ Account: sim.delegatedAdministratorAccountId, Arn: `arn:aws:iam::${sim.delegatedAdministratorAccountId}:root`, UserId: sim.delegatedAdministratorAccountId });
  });
});

describe('STS through SDK credential chains', () => {
  test('env() reaches STS, and a profile with role_arn assumes the role through it for every client', async () => {
    // Simulated time starts at real time: the SDK compares Expiration with the local clock before reusing credentials.
    const sim = await AwsSimulator.start({ seed: 19, clock: { speed: 0, startTime: Date.now() } });
    const dir = mkdtempSync(path.join(tmpdir(), 'sts-profile-'));
    const saved = { ...process.env };
    try {
      const account = sim.accountId;
      const runner = sim.iam.createRole({ accountId: account, name: 'runner', policy: [] });
      // In the same account a trust policy naming the role is enough: its own policy need not allow sts:AssumeRole.
      const target = sim.iam.createRole({
        accountId: account, name: 'target', trustedPrincipalArns: [runner.arn], policy: [{ effect: 'Allow', actions: [LIST_FOR_PRINCIPAL], resources: ['*'] }],
      });
      const source = sim.iam.credentialsFor(runner.arn, 'source');
      writeFileSync(path.join(dir, 'credentials'), `[runner]\naws_access_key_id = ${source.accessKeyId}\n`
        + `aws_secret_access_key = ${source.secretAccessKey}\naws_session_token = ${source.sessionToken}\n`);
      writeFileSync(path.join(dir, 'config'), `[profile target]\nrole_arn = ${target.arn}\nsource_profile = runner\nrole_session_name = chained\n`);
      Object.assign(process.env, sim.env(), { AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials') });
      expect((await new STSClient({}).send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${account}:root`);

      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      process.env.AWS_PROFILE = 'target';
      const group = sim.identityStore.createGroup('Platform');
      const client = new SSOAdminClient({});
      const input = { InstanceArn: sim.identityCenter.instanceArn, PrincipalId: group.id, PrincipalType: 'GROUP' as const };
      await client.send(new ListAccountAssignmentsForPrincipalCommand(input));
      await client.send(new ListAccountAssignmentsForPrincipalCommand(input));
      expect((await new STSClient({}).send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${account}:assumed-role/target/chained`);
      // One AssumeRole for the SSO client's two calls (credentials reused until Expiration), one for the new STS client.
      expect(sim.calls.count('sts', 'AssumeRole')).toBe(2);
      expect(sim.unexpectedErrors).toEqual([]);
    } finally {
      process.env = saved;
      rmSync(dir, { recursive: true, force: true });
      await sim.stop();
    }
  });
});

describe('trust policies with conditions', () => {
  const A = '111111111111';
  const B = '222222222222';
  function trustingWith(statements: TrustStatement[]) {
    const iam = new IamModel(new SeededRandom(1), { accountId: A });
    const runner = iam.createRole({ accountId: A, name: 'runner', path: '/automation/', policy: [] });
    const role = iam.createRole({ accountId: B, name: 'target', policy: [], trustPolicy: statements });
    const session = iam.callerFor(iam.credentialsFor(runner.arn, 'run').accessKeyId);
    return { iam, runner, role, session };
  }
  const root = { effect: 'Allow' as const, awsPrincipals: [`arn:aws:iam::${A}:root`] };

  test.each([
    ['ArnEquals on the role ARN', { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${A}:role/automation/runner` } }, 'account'],
    ['ArnLike with a wildcard per component', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/automation/*' } }, 'account'],
    ['ArnLike cannot span components', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam:*:role/automation/runner' } }, 'none'],
    ['the session ARN is not aws:PrincipalArn', { ArnEquals: { 'aws:PrincipalArn': `arn:aws:sts::${A}:assumed-role/runner/run` } }, 'none'],
    ['StringEquals, key names case-insensitive', { StringEquals: { 'AWS:PrincipalARN': `arn:aws:iam::${A}:role/automation/runner` } }, 'account'],
    ['StringLike', { StringLike: { 'aws:PrincipalArn': `arn:aws:iam::${A}:role/*` } }, 'account'],
    ['aws:PrincipalAccount', { StringEquals: { 'aws:PrincipalAccount': A } }, 'account'],
    ['another account', { StringEquals: { 'aws:PrincipalAccount': B } }, 'none'],
    ['an unknown key: the Allow does not apply', { StringEquals: { 'aws:PrincipalOrgID': 'o-1234567890' } }, 'none'],
    ['an unknown operator: the Allow does not apply', { NumericEquals: { 'aws:PrincipalAccount': A } }, 'none'],
  ])('%s', (_name, conditions, expected) => {
    const { iam, role, session, runner } = trustingWith([{ ...root, conditions }]);
    expect(iam.trustOf(role.arn, session)).toBe(expected);
    expect(iam.trusts(role.arn, runner.arn)).toBe(expected !== 'none');
  });

  test('a principal named outright ranks above its account; a Deny wins, one it does not understand too', () => {
    const named = trustingWith([root, { effect: 'Allow', awsPrincipals: [`arn:aws:iam::${A}:role/automation/runner`] }]);
    expect(named.iam.trustOf(named.role.arn, named.session)).toBe('principal');
    const denied = trustingWith([root, { effect: 'Deny', awsPrincipals: ['*'], conditions: { StringLike: { 'aws:PrincipalArn': '*runner' } } }]);
    expect(denied.iam.trustOf(denied.role.arn, denied.session)).toBe('denied');
    const unknownDeny = trustingWith([root, { effect: 'Deny', awsPrincipals: ['*'], conditions: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }]);
    expect(unknownDeny.iam.trustOf(unknownDeny.role.arn, unknownDeny.session)).toBe('denied');
    const otherAction = trustingWith([{ ...root, actions: ['sts:TagSession'] }]);
    expect(otherAction.iam.trustOf(otherAction.role.arn, otherAction.session)).toBe('none');
  });

  test('trustedPrincipalArns stays the summary of the Allow statements; updateAssumeRolePolicy takes either form', () => {
    const { iam, role, session } = trustingWith([root, { effect: 'Deny', awsPrincipals: [B] }]);
    expect(role.trustedPrincipalArns).toEqual([`arn:aws:iam::${A}:root`]);
    iam.updateAssumeRolePolicy(role.arn, [{ effect: 'Allow', awsPrincipals: [A], conditions: { StringEquals: { 'aws:PrincipalAccount': B } } }]);
    expect(iam.trustOf(role.arn, session)).toBe('none');
    iam.updateAssumeRolePolicy(role.arn, [`arn:aws:iam::${A}:root`]);
    expect(iam.trustOf(role.arn, session)).toBe('account');
  });
});

describe('AWS::IAM::Role trust policies in the CloudFormation model', () => {
  let sim: AwsSimulator;
  beforeEach(async () => {
    sim = await AwsSimulator.start({ seed: 23, clock: { speed: 0 } });
  });
  afterEach(async () => {
    expect(sim.unexpectedErrors).toEqual([]);
    await sim.stop();
  });

  test('conditions, service principals and MaxSessionDuration are kept', async () => {
    const result = await sim.cloudFormation.deploy('Roles', {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            MaxSessionDuration: 7200,
            AssumeRolePolicyDocument: {
              Statement: [
                { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } },
                { ...readerTrustDocument('222222222222', 'arn:aws:iam::222222222222:role/r').Statement[0] },
              ],
            },
          },
        },
      },
    });
    expect(result.status).toBe('CREATE_COMPLETE');
    const role = sim.iam.role(String(sim.cloudFormation.stack('Roles')!.resources.get('Role')!.attributes.Arn))!;
    expect(role.maxSessionDurationSeconds).toBe(7200);
    expect(role.trustPolicy).toEqual([
      { effect: 'Allow', awsPrincipals: [], servicePrincipals: ['lambda.amazonaws.com'], actions: ['sts:AssumeRole'] },
      {
        effect: 'Allow',
        awsPrincipals: ['arn:aws:iam::222222222222:root'],
        servicePrincipals: [],
        actions: ['sts:AssumeRole'],
        conditions: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::222222222222:role/r' } },
      },
    ]);
  });

  test('a MaxSessionDuration outside one to twelve hours fails the role', async () => {
    const result = await sim.cloudFormation.deploy('Roles', {
      Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { MaxSessionDuration: 600, AssumeRolePolicyDocument: { Statement: [] } } } },
    });
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    expect(result.events.find((e) => e.status === 'CREATE_FAILED')?.reason)
      .toMatch(/Member must have value greater than or equal to 3600 \(Service: Iam, Status Code: 400, .*HandlerErrorCode: InvalidRequest\)$/);
  });

  test('a trust policy naming a role that does not exist fails the role with MalformedPolicyDocument', async () => {
    const result = await sim.cloudFormation.deploy('Roles', {
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::222222222222:role/later' } }] },
          },
        },
      },
    });
    expect(result.status).toBe('ROLLBACK_COMPLETE');
    const failed = result.events.find((e) => e.logicalId === 'Role' && e.status === 'CREATE_FAILED');
    expect(failed?.reason).toMatch(/^Resource handler returned message: "Invalid principal in policy: "AWS":"arn:aws:iam::222222222222:role\/later" \(Service: Iam, Status Code: 400, Request ID: [0-9a-f-]+\)" \(RequestToken: .+, HandlerErrorCode: InvalidRequest\)$/);
  });
});
