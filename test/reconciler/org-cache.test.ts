import { configWith } from './documents';
import { MemoryState, orgFrom } from './fakes';
import { World } from './world';
import { RuleDocument } from '../../src/reconciler/config/document';
import { CachedOrganization, ORG_READING_MAX_INVOCATIONS, ORG_REUSE_MAX_AGE_MS, OrgCachePort, organizationForRun } from '../../src/reconciler/core/org-cache';
import { OrgSnapshot } from '../../src/reconciler/core/snapshot';
import { triggerFacts } from '../../src/reconciler/core/trigger-facts';

// A run that stops for time reads the organization once and its continuation reuses that reading;
// anything else reads afresh, and a continuation never acts on a reading older than one another run
// acted on since (the lease says which run came before).

/** The cache in memory; with a lease, it hands its reading only to the run right after the one that saved or reused it. */
class MemoryOrgCache implements OrgCachePort {
  cached?: CachedOrganization & { savedBy: string };
  refuseSaves = false;
  saves = 0;
  constructor(private readonly lease?: MemoryState) {}
  async cachedOrganization() {
    if (this.lease && this.cached?.savedBy !== this.lease.previousHolder) return undefined;
    return this.cached;
  }
  async saveOrganization(cached: Omit<CachedOrganization, 'invocations'>, runId: string) {
    if (this.refuseSaves) throw new Error('ProvisionedThroughputExceededException');
    this.saves++;
    this.cached = { ...cached, invocations: 1, savedBy: runId };
  }
  async reusedOrganization(runId: string) {
    if (this.cached) this.cached = { ...this.cached, invocations: this.cached.invocations + 1, savedBy: runId };
  }
}

const spec = { 'Root': ['management'], 'Root/Prod': ['prod-1'], 'Root/Dev': ['dev-1', 'dev-2'] };
const devsInDev: RuleDocument = { principal: { group: 'Devs' }, permissionSet: 'Dev', target: { ou: 'Root/Dev' } };

/** The organization with dev-1 moved to Prod (same ids). */
function withDev1InProd(org: OrgSnapshot): OrgSnapshot {
  const prod = [...org.units.values()].find((u) => u.name === 'Prod')!.id;
  const accounts = new Map([...org.accounts].map(([id, a]) => [id, a.name === 'dev-1' ? { ...a, parentId: prod } : a]));
  return { ...org, accounts };
}

describe('organizationForRun', () => {
  const org = orgFrom(spec);
  const source = (cache: OrgCachePort | undefined, continuation: boolean, now = 0, runId = 'run') => {
    let reads = 0;
    return {
      reads: () => reads,
      source: { read: async () => { reads++; return org; }, cache, continuation, now: () => now, runId },
    };
  };

  test('a fresh reading is saved; one continuation reuses it, the next reads again, and so does anything else', async () => {
    const cache = new MemoryOrgCache();
    const first = source(cache, false, 1_000, 'run-1');
    expect((await organizationForRun(first.source)).reusedFrom).toBeUndefined();
    expect(first.reads()).toBe(1);
    expect(cache.cached).toMatchObject({ readAt: 1_000, savedBy: 'run-1', invocations: 1 });

    const continuation = source(cache, true, 1_000 + 15 * 60_000, 'run-2');
    const reused = await organizationForRun(continuation.source);
    expect(continuation.reads()).toBe(0);
    expect(reused).toMatchObject({ reusedFrom: 1_000 });
    expect([...reused.org.accounts.keys()]).toEqual([...org.accounts.keys()]);
    expect(cache.cached).toMatchObject({ savedBy: 'run-2', invocations: ORG_READING_MAX_INVOCATIONS });

    const third = source(cache, true, 1_000 + 16 * 60_000, 'run-3');
    await organizationForRun(third.source);
    expect(third.reads()).toBe(1);
    expect(cache.cached).toMatchObject({ savedBy: 'run-3', invocations: 1 });

    const event = source(cache, false, 1_000 + 17 * 60_000, 'run-4');
    await organizationForRun(event.source);
    expect(event.reads()).toBe(1);
    expect(cache.saves).toBe(3);
  });

  test('a reading older than half an hour, or from the future, is read again even by a continuation', async () => {
    const cache = new MemoryOrgCache();
    cache.cached = { org, readAt: 0, invocations: 1, savedBy: 'run-1' };
    const late = source(cache, true, ORG_REUSE_MAX_AGE_MS + 1);
    await organizationForRun(late.source);
    expect(late.reads()).toBe(1);
    cache.cached = { org, readAt: 10_000, invocations: 1, savedBy: 'run-1' };
    const early = source(cache, true, 5_000);
    await organizationForRun(early.source);
    expect(early.reads()).toBe(1);
  });

  test('a save that fails is said, and the run goes on with what it read', async () => {
    const cache = new MemoryOrgCache();
    cache.refuseSaves = true;
    const run = await organizationForRun(source(cache, false, 60_000).source);
    expect(run.notice).toMatch(/the organization could not be saved for this run's continuation \(Error: ProvisionedThroughputExceededException\)/);
    expect(run.org).toBe(org);
  });

  test('a cache that cannot be read is no reading: the organization is read', async () => {
    const cache = new MemoryOrgCache();
    cache.cachedOrganization = async () => { throw new Error('ResourceNotFoundException'); };
    const run = source(cache, true);
    await organizationForRun(run.source);
    expect(run.reads()).toBe(1);
  });
});

describe('triggerFacts continuationOnly', () => {
  const continuation = JSON.stringify({ continuation: { runId: 'run-1', sequence: 2 } });
  const scheduled = JSON.stringify({ 'detail-type': 'Scheduled Event', 'source': 'aws.events', 'detail': {} });
  test('only a batch of continuations alone', () => {
    expect(triggerFacts([continuation]).continuationOnly).toBe(true);
    expect(triggerFacts([continuation, continuation]).continuationOnly).toBe(true);
    expect(triggerFacts([continuation, scheduled]).continuationOnly).toBe(false);
    expect(triggerFacts([scheduled]).continuationOnly).toBe(false);
    expect(triggerFacts(['not json']).continuationOnly).toBe(false);
    expect(triggerFacts([]).continuationOnly).toBe(false);
  });
});

describe('the organization across a run\'s invocations', () => {
  test('a continuation reads no organization; one after a run that acted without saving reads afresh, and keeps what that run granted', async () => {
    const world = new World(orgFrom(spec), configWith([devsInDev]));
    const orgCache = new MemoryOrgCache(world.state);
    const continuing = { continuationOnly: true };
    const run = (runId: string, trigger: object = {}) => world.run('apply', { runId, orgCache, trigger });
    expect((await run('run-1')).counts.created).toBe(2);
    const treeReads = () => world.organizations.calls;
    const readByFirst = treeReads();

    // dev-1 moves to Prod. The continuation still acts on the reading it continues from, and reads nothing.
    const inDev = world.organizations.org;
    world.organizations.org = withDev1InProd(inDev);
    expect((await run('run-2', continuing)).outcome).toBe('no-changes');
    expect(treeReads()).toBe(readByFirst);

    // The next continuation reads afresh (a reading serves two invocations), and removes dev-1's assignment.
    expect((await run('run-3', continuing)).counts.deleted).toBe(1);
    expect(treeReads()).toBeGreaterThan(readByFirst);

    // dev-1 moves back; the event's run grants it again but cannot save its reading.
    world.organizations.org = inDev;
    orgCache.refuseSaves = true;
    const event = await run('run-4');
    expect(event.counts.created).toBe(1);
    expect(event.notices).toContainEqual(expect.stringMatching(/could not be saved for this run's continuation/));
    orgCache.refuseSaves = false;

    // A continuation after it must not act on run-3's reading (dev-1 in Prod): it reads afresh and keeps the grant.
    const readsBefore = treeReads();
    const late = await run('run-5', continuing);
    expect(treeReads()).toBeGreaterThan(readsBefore);
    expect(late.outcome).toBe('no-changes');
    expect(world.live()).toEqual(['Devs:Dev@dev-1', 'Devs:Dev@dev-2']);
  });

  test('plans and dry runs neither save nor reuse a reading', async () => {
    const world = new World(orgFrom(spec), configWith([devsInDev]));
    const orgCache = new MemoryOrgCache(world.state);
    await world.run('plan', { runId: 'plan-1', orgCache });
    world.guards = { ...world.guards, dryRun: true };
    await world.run('apply', { runId: 'dry-1', orgCache });
    expect(orgCache.saves).toBe(0);
    world.guards = { ...world.guards, dryRun: false };
    await world.run('apply', { runId: 'run-1', orgCache });
    expect(orgCache.saves).toBe(1);
    const reads = world.organizations.calls;
    await world.run('plan', { runId: 'plan-2', orgCache, trigger: { continuationOnly: true } });
    expect(world.organizations.calls).toBeGreaterThan(reads);
  });
});
