import { DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AwsSimulator } from '../../simulator';
import { DynamoDbEndpoint } from '../../simulator/dynamodb/dynalite-endpoint';
import { DynamoDbStateStore } from '../../src/reconciler/adapters/dynamodb-state';
import { SsmDocumentStore } from '../../src/reconciler/adapters/ssm-document-store';
import { STATE_TABLE_KEY } from '../../src/reconciler/contract';
import { TagReading } from '../../src/reconciler/core/account-tags';
import { ReconcilerState } from '../../src/reconciler/core/memory';

// The state store against dynalite (a DynamoDB emulator on npm), and the legacy SSM state against
// the simulator's SSM: what a reconciler finds in a real table, including a table left by an
// earlier version's SSM state, and two runs racing for the lease.
describe('DynamoDbStateStore', () => {
  let dynamodb: DynamoDbEndpoint;
  let client: DynamoDBClient;
  let table: string;
  let tables = 0;
  beforeAll(async () => {
    dynamodb = await DynamoDbEndpoint.start();
    client = new DynamoDBClient({ endpoint: dynamodb.url, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  });
  beforeEach(async () => {
    table = await dynamodb.createTable(`state-${++tables}`, STATE_TABLE_KEY);
  });
  afterAll(async () => {
    client.destroy();
    await dynamodb.stop();
  });

  const PS = 'arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-0000000000000001';
  const state = (pairs: string[], names: Record<string, string> = {}): ReconcilerState => ({
    pairs: pairs.map((p) => `GROUP:${p}|${PS}`).sort(),
    names,
    labels: Object.fromEntries(pairs.map((p) => [`GROUP:${p}`, `group ${p}`])),
  });
  const items = async () => (await client.send(new ScanCommand({ TableName: table }))).Items ?? [];

  test('an empty table is empty; a written state reads back as written, one item per fact', async () => {
    const store = new DynamoDbStateStore(client, table);
    expect(await store.read()).toEqual({ empty: true });
    const written = state(['g-1', 'g-2'], { 'group:Admins': 'GROUP:g-1' });
    await store.write(written);
    expect(await new DynamoDbStateStore(client, table).read()).toEqual({ state: written });
    // META, two pairs, one name, two labels.
    expect((await items()).map((i) => i.pk.S).sort()).toEqual(['LABEL', 'LABEL', 'META', 'NAME', 'PAIR', 'PAIR']);
  });

  test('per-account readings: saved and forgotten in batches, replaced by target, read back, and never mistaken for the state', async () => {
    const store = new DynamoDbStateStore(client, table);
    const readings = Array.from({ length: 60 }, (_, i) => ({
      accountId: String(100000000000 + i),
      permissionSetArn: PS,
      readAt: 1_000 + i,
      principals: i % 2 === 0 ? [{ principalType: 'GROUP' as const, principalId: `g-${i}` }, { principalType: 'USER' as const, principalId: `u-${i}` }] : [],
    }));
    await store.saveReadings(readings);
    await store.saveReadings([{ ...readings[0], principals: [], readAt: 5_000 }]);
    const back = await new DynamoDbStateStore(client, table).readings();
    const byAccount = (list: typeof back) => [...list].sort((a, b) => a.accountId.localeCompare(b.accountId));
    expect(byAccount(back)).toEqual(byAccount([{ ...readings[0], principals: [], readAt: 5_000 }, ...readings.slice(1)]));
    await store.forgetReadings(readings.slice(0, 30));
    expect(byAccount(await store.readings())).toEqual(byAccount(readings.slice(30)));
    expect(await new DynamoDbStateStore(client, table).read()).toEqual({ empty: true });
  });

  test('tag readings: saved in batches, replaced by account, forgotten, and never mistaken for the state', async () => {
    const store = new DynamoDbStateStore(client, table);
    const readings: TagReading[] = Array.from({ length: 60 }, (_, i) => ({
      accountId: String(100000000000 + i), tags: (i % 2 ? { 'env': 'prod', 'cost center': 'a=b' } : {}) as Record<string, string>, readAt: i,
    }));
    await store.saveTagReadings(readings);
    await store.saveTagReadings([{ ...readings[0], tags: { env: 'dev' }, readAt: 99 }]);
    const sorted = (list: TagReading[]) => [...list].sort((a, b) => a.accountId.localeCompare(b.accountId));
    expect(sorted(await new DynamoDbStateStore(client, table).tagReadings())).toEqual(sorted([{ ...readings[0], tags: { env: 'dev' }, readAt: 99 }, ...readings.slice(1)]));
    await store.forgetTagReadings(readings.slice(0, 30).map((r) => r.accountId));
    expect(sorted(await store.tagReadings())).toEqual(sorted(readings.slice(30)));
    expect(await store.readings()).toEqual([]);
    expect(await new DynamoDbStateStore(client, table).read()).toEqual({ empty: true });
  });

  test('a write sends only what changed: removed facts are deleted, kept ones left alone', async () => {
    const store = new DynamoDbStateStore(client, table);
    await store.read();
    await store.write(state(['g-1', 'g-2', 'g-3']));
    const send = jest.spyOn(client, 'send');
    await store.write(state(['g-1', 'g-4']));
    const batches = send.mock.calls.map(([command]) => (command.input as { RequestItems?: Record<string, unknown[]> }).RequestItems?.[table] ?? []);
    // Put g-4's pair and label, delete g-2's and g-3's pairs and labels: six requests, nothing for g-1.
    expect(batches.flat()).toHaveLength(6);
    send.mockRestore();
    expect(await new DynamoDbStateStore(client, table).read()).toEqual({ state: state(['g-1', 'g-4']) });
  });

  test('the organization for continuations: cut into parts under the item limit, read back whole by the next lease holder only', async () => {
    // 3,000 accounts with 60-character names: about 300,000 characters of JSON, so several parts.
    const units = new Map([['r-root', { id: 'r-root', name: 'Root' }], ['ou-root-aaaa1111', { id: 'ou-root-aaaa1111', name: 'Workloads é', parentId: 'r-root' }]]);
    const accounts = new Map(Array.from({ length: 3000 }, (_, i) => {
      const id = String(100000000000 + i);
      return [id, { id, name: `account-${i}-`.padEnd(60, 'x'), status: i % 100 === 0 ? 'SUSPENDED' as const : 'ACTIVE' as const, parentId: 'ou-root-aaaa1111' }];
    }));
    const org = { rootId: 'r-root', units, accounts };
    /** One invocation: a store of its own that takes the lease as `run`, does `work`, and releases. */
    const invocation = async <T>(run: string, work: (store: DynamoDbStateStore) => Promise<T>): Promise<T> => {
      const store = new DynamoDbStateStore(client, table);
      expect(await store.acquire(run, 60_000)).toBe(true);
      try {
        return await work(store);
      } finally {
        await store.release(run);
      }
    };

    await invocation('run-1', async (store) => {
      expect(await store.cachedOrganization()).toBeUndefined();
      await store.saveOrganization({ org, readAt: 1_000 }, 'run-1');
    });
    const parts = (await items()).filter((i) => i.pk.S === 'ORG' && i.sk.S!.startsWith('part#'));
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...parts.map((p) => Buffer.byteLength(p.json.S!)))).toBeLessThan(400_000);
    // Without the lease (a plan), there is no run before this one to trust.
    expect(await new DynamoDbStateStore(client, table).cachedOrganization()).toBeUndefined();
    // The next holder gets it whole, and reuses it.
    await invocation('run-2', async (store) => {
      expect(await store.cachedOrganization()).toEqual({ org, readAt: 1_000, invocations: 1 });
      await store.reusedOrganization('run-2');
    });
    // run-3 sees it used twice; it neither saves nor reuses, so run-4 (after it) gets nothing.
    await invocation('run-3', async (store) => expect((await store.cachedOrganization())?.invocations).toBe(2));
    await invocation('run-4', async (store) => expect(await store.cachedOrganization()).toBeUndefined());

    // A name of emoji (surrogate pairs in UTF-16) across a part boundary, at both parities: each part is whole UTF-8, as
    // DynamoDB stores strings (dynalite keeps a lone surrogate, DynamoDB would not), and the reading comes back whole.
    for (const shift of ['', 'x']) {
      const emoji = { ...org, units: new Map([...units, ['ou-root-bbbb2222', { id: 'ou-root-bbbb2222', name: `${shift}${'\u{1F680}'.repeat(60_000)}`, parentId: 'r-root' }]]) };
      await invocation(`emoji${shift}`, (store) => store.saveOrganization({ org: emoji, readAt: 3_000 }, `emoji${shift}`));
      const stored = (await items()).filter((i) => i.pk.S === 'ORG' && i.sk.S!.startsWith('part#') && i.generation.S!.startsWith('3000-'));
      for (const part of stored) expect(Buffer.from(part.json.S!, 'utf8').toString('utf8')).toBe(part.json.S);
      await invocation(`after-emoji${shift}`, async (store) => expect((await store.cachedOrganization())?.org).toEqual(emoji));
      await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'ORG' }, sk: { S: 'head' } } }));
      for (const part of stored) await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: part.pk, sk: part.sk } }));
    }

    // A save cut short: a part of another generation than the head names is no reading.
    await invocation('run-5', (store) => store.saveOrganization({ org: { ...org, accounts: new Map([...accounts].slice(0, 10)) }, readAt: 2_000 }, 'run-5'));
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'ORG' }, sk: { S: 'part#0' }, generation: { S: 'torn' }, json: { S: '{' } } }));
    await invocation('run-6', async (store) => expect(await store.cachedOrganization()).toBeUndefined());
    // Never mistaken for the state.
    expect(await new DynamoDbStateStore(client, table).read()).toEqual({ empty: true });
  });

  test('the lease: one holder at a time, renewable by its holder, free once released or expired', async () => {
    let now = 1_000_000;
    const store = new DynamoDbStateStore(client, table, undefined, () => now);
    expect(await store.acquire('run-1', 60_000)).toBe(true);
    expect(await store.acquire('run-2', 60_000)).toBe(false);
    expect(await store.acquire('run-1', 60_000)).toBe(true);
    await store.release('run-2'); // not the holder: no effect
    expect(await store.acquire('run-2', 60_000)).toBe(false);
    now += 61_000; // run-1 crashed: its lease expires
    expect(await store.acquire('run-2', 60_000)).toBe(true);
    await store.release('run-2');
    expect(await store.acquire('run-3', 60_000)).toBe(true);
  });

  test('two runs racing for the lease: exactly one wins', async () => {
    const stores = Array.from({ length: 8 }, () => new DynamoDbStateStore(client, table));
    const won = await Promise.all(stores.map((s, i) => s.acquire(`run-${i}`, 60_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  test('a table of another format is refused, never read as empty', async () => {
    const store = new DynamoDbStateStore(client, table);
    await store.write(state(['g-1']));
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'META' }, sk: { S: 'state' }, format: { N: '9' } } }));
    await expect(new DynamoDbStateStore(client, table).read()).rejects.toThrow('the state table holds format 9; this reconciler reads format 2');
  });

  describe('migration from the SSM state of earlier versions', () => {
    let sim: AwsSimulator;
    let ssm: SSMClient;
    beforeAll(async () => {
      sim = await AwsSimulator.start({ seed: 4, quotas: { ssm: { writes: { burst: 100 } } } });
      ssm = new SSMClient({ ...sim.clientConfig(), maxAttempts: 1 });
    });
    afterAll(async () => {
      ssm.destroy();
      await sim.stop();
    });

    test('a table never written reads the legacy state; the first write migrates it, and the legacy state is not read again', async () => {
      const legacyStore = new SsmDocumentStore(ssm, '/bus/state');
      const legacy = { principals: ['GROUP:g-1'], permissionSets: [PS], labels: { 'GROUP:g-1': 'group One' } };
      await legacyStore.write(legacy);
      const store = new DynamoDbStateStore(client, table, legacyStore);
      expect(await store.read()).toEqual({ legacy });
      await store.write(state(['g-1']));
      const reads = sim.calls.count('ssm', 'GetParameter');
      expect(await new DynamoDbStateStore(client, table, legacyStore).read()).toEqual({ state: state(['g-1']) });
      expect(sim.calls.count('ssm', 'GetParameter')).toBe(reads);
    });

    test('a legacy state that does not parse is an error, never an empty memory', async () => {
      const legacyStore = new SsmDocumentStore(ssm, '/broken/state');
      await legacyStore.write({ something: 'else' });
      await expect(new DynamoDbStateStore(client, table, legacyStore).read()).rejects.toThrow('the legacy SSM state is not in the expected format');
    });
  });
});
