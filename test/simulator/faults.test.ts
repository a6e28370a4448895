import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  CreateAccountAssignmentCommand, InternalServerException, ListInstancesCommand, ListPermissionSetsCommand, SSOAdminClient, ThrottlingException,
} from '@aws-sdk/client-sso-admin';
import { AwsSimulator, AwsSimulatorOptions, DEFAULT_ASYNC_FAILURE_REASON } from '../../simulator';

describe('fault injection', () => {
  let sim: AwsSimulator;
  const start = async (options: AwsSimulatorOptions = {}) => {
    sim = await AwsSimulator.start({ seed: 5, ...options });
    return sim;
  };
  afterEach(async () => {
    expect(sim.unexpectedErrors).toEqual([]);
    await sim.stop();
  });

  test('5xx errors (500 and 503) are retried by the SDK as transient', async () => {
    await start({ clock: { speed: 0 } });
    sim.faults.serverErrors('sso-admin:ListInstances', { next: 2 });
    sim.faults.serverErrors('organizations:*', { next: 1, status: 503 });
    const listed = await new SSOAdminClient(sim.clientConfig()).send(new ListInstancesCommand({}));
    expect(listed.$metadata.attempts).toBe(3);
    const described = await new OrganizationsClient(sim.clientConfig()).send(new DescribeOrganizationCommand({}));
    expect(described.$metadata.attempts).toBe(2);
    expect(sim.calls.count('sso-admin', 'ListInstances')).toBe(3);
    expect(sim.faults.injected().serverError).toBe(3);
    sim.faults.serverErrors('sso-admin:*', { rate: 1 });
    const once = new SSOAdminClient({ ...sim.clientConfig(), maxAttempts: 1 });
    await expect(once.send(new ListInstancesCommand({}))).rejects.toBeInstanceOf(InternalServerException);
  });

  test('an error after commit leaves the write applied although the client saw a failure', async () => {
    await start({ clock: { speed: 0 } });
    const account = sim.organizations.createAccount({ name: 'A' });
    const group = sim.identityStore.createGroup('G');
    const ps = sim.identityCenter.createPermissionSet({ name: 'PS' });
    sim.faults.serverErrors('sso-admin:CreateAccountAssignment', { next: 1, afterCommit: true });
    await expect(new SSOAdminClient({ ...sim.clientConfig(), maxAttempts: 1 }).send(new CreateAccountAssignmentCommand({
      InstanceArn: sim.identityCenter.instanceArn, TargetId: account.id, TargetType: 'AWS_ACCOUNT', PermissionSetArn: ps.arn, PrincipalType: 'GROUP', PrincipalId: group.id,
    }))).rejects.toBeInstanceOf(InternalServerException);
    expect(sim.identityCenter.operations()).toHaveLength(1);
  });

  test('a throttling storm throttles every sso-admin call for its simulated duration, whatever the quota', async () => {
    await start({ clock: { speed: 0 } });
    const admin = new SSOAdminClient({ ...sim.clientConfig(), maxAttempts: 1 });
    sim.faults.throttlingStorm(10_000);
    await expect(admin.send(new ListInstancesCommand({}))).rejects.toBeInstanceOf(ThrottlingException);
    const listPermissionSets = admin.send(new ListPermissionSetsCommand({ InstanceArn: sim.identityCenter.instanceArn }));
    await expect(listPermissionSets).rejects.toBeInstanceOf(ThrottlingException);
    await new OrganizationsClient(sim.clientConfig()).send(new DescribeOrganizationCommand({}));
    sim.clock.advance(10_000);
    await admin.send(new ListInstancesCommand({}));
    expect(sim.faults.injected().throttlingStorm).toBe(2);
    expect(sim.calls.throttled('sso-admin')).toBe(2);
  });

  test('asynchronous operations can be made to FAIL, next N or at a rate', async () => {
    await start({ clock: { speed: 0 }, quotas: { asyncLatency: { minMs: 100, maxMs: 100 } } });
    const accounts = Array.from({ length: 3 }, (_, i) => sim.organizations.createAccount({ name: `A${i}` }));
    const group = sim.identityStore.createGroup('G');
    const ps = sim.identityCenter.createPermissionSet({ name: 'PS' });
    sim.faults.asyncFailures({ next: 1 });
    const admin = new SSOAdminClient(sim.clientConfig());
    for (const account of accounts) {
      await admin.send(new CreateAccountAssignmentCommand({
        InstanceArn: sim.identityCenter.instanceArn, TargetId: account.id, TargetType: 'AWS_ACCOUNT', PermissionSetArn: ps.arn, PrincipalType: 'GROUP', PrincipalId: group.id,
      }));
    }
    sim.clock.advance(100);
    expect(sim.identityCenter.operations().map((op) => [op.status, op.failureReason])).toEqual([
      ['FAILED', DEFAULT_ASYNC_FAILURE_REASON], ['SUCCEEDED', undefined], ['SUCCEEDED', undefined],
    ]);
    expect(sim.identityCenter.assignmentCount()).toBe(2);
    expect(sim.faults.injected().asyncFailure).toBe(1);
  });

  test('latency spikes delay responses by simulated time', async () => {
    await start({ clock: { speed: 10 } });
    sim.faults.latencySpikes('sso-admin:ListInstances', { next: 1, delayMs: 2000 });
    const admin = new SSOAdminClient(sim.clientConfig());
    const before = performance.now();
    await admin.send(new ListInstancesCommand({}));
    const spiked = performance.now() - before;
    expect(spiked).toBeGreaterThanOrEqual(195); // 2,000 simulated ms at speed 10
    const again = performance.now();
    await admin.send(new ListInstancesCommand({}));
    expect(performance.now() - again).toBeLessThan(spiked / 2);
    expect(sim.faults.injected().latencySpike).toBe(1);
  });

  test('a connection reset mid-request is retried by the SDK', async () => {
    await start({ clock: { speed: 0 } });
    sim.faults.connectionResets('sso-admin:ListInstances', { next: 1 });
    const listed = await new SSOAdminClient(sim.clientConfig()).send(new ListInstancesCommand({}));
    expect(listed.$metadata.attempts).toBe(2);
    expect(sim.calls.count('sso-admin', 'ListInstances')).toBe(2);
    expect(sim.faults.injected().connectionReset).toBe(1);
    sim.faults.connectionResets('sso-admin:*', { rate: 1 });
    await expect(new SSOAdminClient({ ...sim.clientConfig(), maxAttempts: 1 }).send(new ListInstancesCommand({}))).rejects.toThrow(/socket hang up/);
  });

  test('probabilistic faults are deterministic under the seed and cleared by clear()', async () => {
    const pattern = async (seed: number) => {
      const other = await AwsSimulator.start({ seed, clock: { speed: 0 }, quotas: { ssoAdmin: { requestsPerSecond: 1000, burst: 1000 } } });
      other.faults.serverErrors('sso-admin:ListInstances', { rate: 0.3 });
      const admin = new SSOAdminClient({ ...other.clientConfig(), maxAttempts: 1 });
      const results: boolean[] = [];
      for (let i = 0; i < 40; i++) results.push(await admin.send(new ListInstancesCommand({})).then(() => true, () => false));
      other.faults.clear();
      await admin.send(new ListInstancesCommand({}));
      await other.stop();
      return results;
    };
    await start();
    const [a, b, c] = [await pattern(9), await pattern(9), await pattern(10)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter((ok) => !ok).length).toBeGreaterThan(4);
  });
});
