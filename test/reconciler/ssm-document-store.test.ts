import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AwsSimulator } from '../../simulator';
import { SsmDocumentStore, chunkByBytes } from '../../src/reconciler/adapters/ssm-document-store';
import { LegacyState } from '../../src/reconciler/core/memory';
import { systemClock } from '../../src/reconciler/core/ports';
import { RateLimiter } from '../../src/reconciler/core/rate-limiter';

// A document in SSM (the state versions before the state table kept, the claims an automation
// publishes) must survive any interrupted write: a torn document would stop deletions for good.
// Run against the simulator's SSM, which enforces the 4 KB Standard limit in bytes.
describe('SsmDocumentStore', () => {
  let sim: AwsSimulator;
  let client: SSMClient;
  // Parameter Store allows about 3 writes per simulated second; the clock runs 4 times faster, slow
  // enough that even a loaded machine's sequential unpaced writes exceed 12 a second.
  const SPEED = 4;
  beforeEach(async () => {
    sim = await AwsSimulator.start({ seed: 3, clock: { speed: SPEED } });
    client = new SSMClient({ ...sim.clientConfig(), maxAttempts: 1 });
  });
  /** The pacing the reconciler uses: 2 writes per simulated second (in real time at this clock speed). */
  const paced = () => new RateLimiter(2 * SPEED, systemClock, 1);
  afterEach(async () => {
    client.destroy();
    await sim.stop();
  });

  /** A state of `n` principals whose labels are not ASCII, several chunks long. */
  const state = (n: number, tag = ''): LegacyState => ({
    principals: Array.from({ length: n }, (_, i) => `GROUP:${String(i).padStart(10, '0')}-3f1e9a7c-0c1d-4b5e-9f00-${tag}${i}`),
    permissionSets: ['arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-0000000000000001'],
    labels: Object.fromEntries(Array.from({ length: n }, (_, i) => [`GROUP:${String(i).padStart(10, '0')}-3f1e9a7c-0c1d-4b5e-9f00-${tag}${i}`, `group Équipe-運用-${i}`])),
  });

  /** An SSM client whose PutParameter fails for names matching `fail`, as a throttled or killed write would. */
  const failingOn = (fail: RegExp) => ({
    send: (command: unknown) => {
      if (command instanceof PutParameterCommand && fail.test(command.input.Name ?? '')) {
        return Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
      }
      return client.send(command as never);
    },
  }) as unknown as SSMClient;

  test('paced writes stay under Parameter Store\'s write throughput; unpaced ones are throttled', async () => {
    await new SsmDocumentStore(client, '/paced/state', paced()).write(state(120));
    expect(sim.calls.throttled('ssm', 'PutParameter')).toBe(0);
    await expect(new SsmDocumentStore(client, '/unpaced/state').write(state(120))).rejects.toThrow('Rate exceeded');
  });

  test('round-trips a state of many chunks with non-ASCII names, each chunk within 4 KB', async () => {
    const adapter = new SsmDocumentStore(client, '/bus/state', paced());
    expect(await adapter.read()).toBeUndefined();
    const written = state(120);
    await adapter.write(written);
    expect(await adapter.read()).toEqual(written);
    const chunks = sim.ssm.parameters().filter((p) => p.name.startsWith('/bus/state/r'));
    expect(chunks.length).toBeGreaterThan(3);
    for (const p of chunks) expect(Buffer.byteLength(p.value)).toBeLessThanOrEqual(4096);
  });

  test('a write interrupted before the pointer moves leaves the previous state readable', async () => {
    const adapter = new SsmDocumentStore(client, '/bus/state', paced());
    const before = state(80, 'a');
    await adapter.write(before);
    await expect(new SsmDocumentStore(failingOn(/\/head$/), '/bus/state', paced()).write(state(90, 'b'))).rejects.toThrow('Rate exceeded');
    expect(await adapter.read()).toEqual(before);
  });

  test('a write interrupted between chunks leaves the previous state readable', async () => {
    const adapter = new SsmDocumentStore(client, '/bus/state', paced());
    const before = state(80, 'a');
    await adapter.write(before);
    await expect(new SsmDocumentStore(failingOn(/-2$/), '/bus/state', paced()).write(state(90, 'b'))).rejects.toThrow('Rate exceeded');
    expect(await adapter.read()).toEqual(before);
    // The next write succeeds and clears the orphaned chunks of both earlier revisions.
    const after = state(10, 'c');
    await adapter.write(after);
    expect(await adapter.read()).toEqual(after);
    expect(sim.ssm.parameters().filter((p) => p.name.startsWith('/bus/state/r')).length).toBe(1);
  });

  test('a missing chunk is an error, never an empty memory', async () => {
    const adapter = new SsmDocumentStore(client, '/bus/state', paced());
    await adapter.write(state(80));
    const chunk = sim.ssm.parameters().find((p) => p.name.startsWith('/bus/state/r'))!;
    sim.ssm.delete(chunk.name);
    await expect(adapter.read()).rejects.toThrow(/chunk\(s\) .* are missing/);
  });

  test('chunks are cut by UTF-8 bytes, never inside a character', () => {
    const text = 'é'.repeat(10) + '運'.repeat(10);
    const chunks = chunkByBytes(text, 7);
    expect(chunks.join('')).toBe(text);
    for (const c of chunks) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(7);
  });
});
