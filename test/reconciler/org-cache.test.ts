import { configWith } from './documents';
import { orgFrom } from './fakes';
import { World } from './world';
import { RuleDocument } from '../../src/reconciler/config/document';
import { CachedOrganization, ORG_REUSE_MAX_AGE_MS, OrgCachePort, organizationForRun } from '../../src/reconciler/core/org-cache';
import { OrgSnapshot } from '../../src/reconciler/core/snapshot';
import { triggerFacts } from '../../src/reconciler/core/trigger-facts';

// A run that stops for time reads the organization once; its continuations reuse that reading,
// and anything else reads afresh, so a continuation never acts on a reading older than one a later
// run has seen past.

class MemoryOrgCache implements OrgCachePort {
  cached?: CachedOrganization;
  refuseSaves = false;
  saves = 0;
  async cachedOrganization() {
    return this.cached;
  }
  async saveOrganization(cached: CachedOrganization) {
    if (this.refuseSaves) throw new Error('ProvisionedThroughputExceededException');
    this.saves++;
    this.cached = cached;
  }
  async forgetOrganization() {
    this.cached = undefined;
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
  const source = (cache: OrgCachePort | undefined, continuation: boolean, now = 0) => {
    let reads = 0;
    return {
      reads: () => reads,
      source: { read: async () => { reads++; return org; }, cache, continuation, now: () => now },
    };
  };

  test('a fresh reading is saved; a continuation reuses it, anything else reads again', async () => {
    const cache = new MemoryOrgCache();
    const first = source(cache, false, 1_000);
    expect((await organizationForRun(first.source)).reusedFrom).toBeUndefined();
    expect(first.reads()).toBe(1);
    expect(cache.cached?.readAt).toBe(1_000);

    const continuation = source(cache, true, 1_000 + 15 * 60_000);
    const reused = await organizationForRun(continuation.source);
    expect(continuation.reads()).toBe(0);
    expect(reused).toMatchObject({ reusedFrom: 1_000 });
    expect([...reused.org.accounts.keys()]).toEqual([...org.accounts.keys()]);

    const event = source(cache, false, 2_000);
    await organizationForRun(event.source);
    expect(event.reads()).toBe(1);
    expect(cache.saves).toBe(2);
  });

  test('a reading older than an hour, or from the future, is read again even by a continuation', async () => {
    const cache = new MemoryOrgCache();
    cache.cached = { org, readAt: 0 };
    const late = source(cache, true, ORG_REUSE_MAX_AGE_MS + 1);
    await organizationForRun(late.source);
    expect(late.reads()).toBe(1);
    cache.cached = { org, readAt: 10_000 };
    const early = source(cache, true, 5_000);
    await organizationForRun(early.source);
    expect(early.reads()).toBe(1);
  });

  test('a save that fails removes the older reading, so that no continuation reuses it, and says so', async () => {
    const cache = new MemoryOrgCache();
    cache.cached = { org, readAt: 0 };
    cache.refuseSaves = true;
    const run = await organizationForRun(source(cache, false, 60_000).source);
    expect(run.notice).toMatch(/the organization could not be saved for this run's continuations \(Error: ProvisionedThroughputExceededException\)/);
    expect(cache.cached).toBeUndefined();
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
  test('a continuation reads no organization; after an event\'s run, it reuses that run\'s reading, never the older one', async () => {
    const world = new World(orgFrom(spec), configWith([devsInDev]));
    const orgCache = new MemoryOrgCache();
    const continuing = { continuationOnly: true };
    expect((await world.run('apply', { orgCache })).counts.created).toBe(2);
    const readsBefore = world.organizations.calls;

    // dev-1 moves to Prod. A continuation still acts on the reading it continues from.
    world.organizations.org = withDev1InProd(world.organizations.org);
    expect((await world.run('apply', { orgCache, trigger: continuing })).outcome).toBe('no-changes');
    expect(world.organizations.calls).toBe(readsBefore);

    // The move's event starts a run that reads afresh and removes dev-1's assignment.
    const moved = await world.run('apply', { orgCache, trigger: {} });
    expect(moved.counts.deleted).toBe(1);
    expect(world.organizations.calls).toBeGreaterThan(readsBefore);

    // A continuation queued before that event runs after it: it reuses the event run's reading, and puts nothing back.
    const readsAfter = world.organizations.calls;
    const late = await world.run('apply', { orgCache, trigger: continuing });
    expect(late.outcome).toBe('no-changes');
    expect(world.organizations.calls).toBe(readsAfter);
    expect(world.live()).toEqual(['Devs:Dev@dev-2']);

    // An hour and more later, even a continuation reads the organization again.
    world.clock.advance(ORG_REUSE_MAX_AGE_MS + 1);
    await world.run('apply', { orgCache, trigger: continuing });
    expect(world.organizations.calls).toBeGreaterThan(readsAfter);
  });
});
