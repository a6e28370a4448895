import {
  CreateAccountAssignmentCommand, DescribeAccountAssignmentCreationStatusCommand, ListInstancesCommand, ListPermissionSetsCommand,
  SSOAdminClient, ThrottlingException,
} from '@aws-sdk/client-sso-admin';
import { AwsSimulator, AwsSimulatorOptions } from '../../simulator';

const single = (sim: AwsSimulator) => new SSOAdminClient({ ...sim.clientConfig(), maxAttempts: 1 });

async function outcome(promise: Promise<unknown>): Promise<'ok' | 'throttled'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof ThrottlingException) return 'throttled';
    throw error;
  }
}

describe('quotas in simulated time', () => {
  const started: AwsSimulator[] = [];
  const start = async (options: AwsSimulatorOptions) => {
    const sim = await AwsSimulator.start({ seed: 21, ...options });
    started.push(sim);
    return sim;
  };
  afterEach(async () => {
    for (const sim of started.splice(0)) {
      expect(sim.unexpectedErrors).toEqual([]);
      await sim.stop();
    }
  });

  test('the sso-admin throttle is collective across operations: a burst of 20, then 20 per simulated second', async () => {
    const sim = await start({ clock: { speed: 0 } });
    const admin = single(sim);
    const instanceArn = sim.identityCenter.instanceArn;
    const results: string[] = [];
    for (let i = 0; i < 25; i++) {
      const call = i % 2 === 0 ? admin.send(new ListInstancesCommand({})) : admin.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn }));
      results.push(await outcome(call));
    }
    expect(results.filter((r) => r === 'ok')).toHaveLength(20);
    expect(results.slice(20)).toEqual(Array(5).fill('throttled'));
    expect(sim.calls.throttled('sso-admin')).toBe(5);
    expect(sim.calls.count('sso-admin')).toBe(25);
    sim.clock.advance(500);
    const afterHalfSecond: string[] = [];
    for (let i = 0; i < 12; i++) afterHalfSecond.push(await outcome(admin.send(new ListInstancesCommand({}))));
    expect(afterHalfSecond.filter((r) => r === 'ok')).toHaveLength(10);
  });

  test('the SDK retries ThrottlingException by itself; every attempt is counted, throttled ones separately', async () => {
    // Frozen clock: exactly the burst is admitted, whatever the machine's load; time moves when the test says so.
    const sim = await start({ clock: { speed: 0 }, quotas: { ssoAdmin: { requestsPerSecond: 5, burst: 5 } } });
    // The SDK's own back-off may retry at once (full jitter from 0 ms): with the clock frozen such a retry is
    // throttled again, so attempts are not bounded at 2; enough of them that none runs out.
    const admin = new SSOAdminClient({ ...sim.clientConfig(), maxAttempts: 10 });
    const pending = Promise.all(Array.from({ length: 8 }, () => admin.send(new ListInstancesCommand({}))));
    while (sim.calls.count('sso-admin', 'ListInstances') < 8) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sim.calls.throttled('sso-admin', 'ListInstances')).toBeGreaterThanOrEqual(3);
    sim.clock.advance(1000); // refills the 5-token bucket: every retry from now on is admitted
    const responses = await pending;
    const attempts = responses.map((r) => r.$metadata.attempts!).sort();
    expect(attempts.slice(0, 5)).toEqual([1, 1, 1, 1, 1]);
    expect(attempts.slice(5).every((n) => n >= 2)).toBe(true);
    const total = attempts.reduce((n, a) => n + a, 0);
    expect(sim.calls.count('sso-admin', 'ListInstances')).toBe(total);
    expect(sim.calls.throttled('sso-admin', 'ListInstances')).toBe(total - 8);
  });

  test('Identity Store and Organizations are throttled too, with their own errors', async () => {
    const sim = await start({ clock: { speed: 0 } });
    const fetchOrg = () => fetch(sim.endpoint, {
      method: 'POST', body: '{}', headers: { 'x-amz-target': 'AWSOrganizationsV20161128.DescribeOrganization', 'authorization': 'AWS4-HMAC-SHA256 x' },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await fetchOrg()).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    const refused = await fetchOrg();
    expect(await refused.json()).toMatchObject({ __type: 'TooManyRequestsException' });
    expect(sim.quotaModel().organizations).toEqual({ requestsPerSecond: 5, burst: 10 });
    expect(sim.quotaModel().identityStore).toEqual({ requestsPerSecond: 20, burst: 20 });
  });

  test('accelerating the clock scales the throttle and the asynchronous latency together', async () => {
    const run = async (speed: number) => {
      const sim = await start({ clock: { speed }, quotas: { asyncLatency: { minMs: 1000, maxMs: 1000 } } });
      const account = sim.organizations.createAccount({ name: 'Target' });
      const group = sim.identityStore.createGroup('G');
      const ps = sim.identityCenter.createPermissionSet({ name: 'PS' });
      const admin = single(sim);
      // Latency: one assignment, polled every 100 simulated ms.
      const realStart = performance.now();
      const simStart = sim.clock.now();
      const created = await admin.send(new CreateAccountAssignmentCommand({
        InstanceArn: sim.identityCenter.instanceArn, TargetId: account.id, TargetType: 'AWS_ACCOUNT', PermissionSetArn: ps.arn, PrincipalType: 'GROUP', PrincipalId: group.id,
      }));
      let status = created.AccountAssignmentCreationStatus?.Status;
      while (status === 'IN_PROGRESS') {
        await sim.clock.sleep(100);
        status = (await admin.send(new DescribeAccountAssignmentCreationStatusCommand({
          InstanceArn: sim.identityCenter.instanceArn, AccountAssignmentCreationRequestId: created.AccountAssignmentCreationStatus!.RequestId,
        }))).AccountAssignmentCreationStatus?.Status;
      }
      const latency = { simulated: sim.clock.now() - simStart, real: performance.now() - realStart };
      // Throttle: sixteen clients hammering for two simulated seconds, after an idle second refilled the bucket.
      await sim.clock.sleep(1000);
      const windowEnd = sim.clock.now() + 2000;
      const results: string[] = [];
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (sim.clock.now() < windowEnd) results.push(await outcome(admin.send(new ListInstancesCommand({}))));
      }));
      return { status, latency, admitted: results.filter((r) => r === 'ok').length, throttled: results.filter((r) => r === 'throttled').length };
    };
    const slow = await run(1);
    const fast = await run(4);
    for (const r of [slow, fast]) {
      expect(r.status).toBe('SUCCEEDED');
      expect(r.latency.simulated).toBeGreaterThanOrEqual(1000);
      expect(r.latency.simulated).toBeLessThan(2000);
      // At most a burst of 20 plus 20 per simulated second, at both speeds. (A real-time throttle would
      // admit at most 30 in the 500 real ms the window lasts at speed 4; the lower bound leaves room for a loaded machine.)
      expect(r.admitted).toBeLessThanOrEqual(61);
      expect(r.admitted).toBeGreaterThanOrEqual(40);
      expect(r.throttled).toBeGreaterThan(0);
    }
    // The same simulated latency in about a quarter of the real time (1,000 real ms if latency ignored the clock).
    expect(fast.latency.real).toBeLessThan(700);
    expect(slow.latency.real / fast.latency.real).toBeGreaterThan(2);
  });

  test('quotaModel() states the limits in simulated and in real time', async () => {
    const sim = await start({ clock: { speed: 10 } });
    const model = sim.quotaModel();
    expect(model.ssoAdmin).toEqual({ requestsPerSecond: 20, burst: 20, maxOutstandingAsyncOperations: 15 });
    expect(model.asyncLatency).toEqual({ minMs: 2000, maxMs: 6000 });
    expect(model.deprovisionLatency).toEqual({ minMs: 20_000, maxMs: 180_000 });
    expect(model.realTime.ssoAdminRequestsPerSecond).toBe(200);
    expect(model.realTime.meanAsyncLatencyMs).toBe(400);
    // 15 outstanding / 4 s mean = 3.75 writes per simulated second, 37.5 per real second at speed 10.
    expect(model.realTime.maxAsyncWritesPerSecond).toBeCloseTo(37.5);
    expect(model.pageSizes['organizations:*']).toBe(20);
    expect(model.pageSizes['sso-admin:*']).toBe(100);
  });
});
