import { configWith } from './documents';
import { orgFrom } from './fakes';
import { World } from './world';
import { RuleDocument } from '../../src/reconciler/config/document';

// Expiring rules in the core: the run's clock (a virtual one here) decides which rules are past
// their `expires`; they grant nothing, their pairs stay owned so that their assignments are
// deleted, and the report says which rule expired.

const org = () => orgFrom({
  'Root': ['management'],
  'Root/Workloads/Prod': ['prod-1', 'prod-2'],
  'Root/Workloads/Dev': ['dev-1'],
});

/** One hour after the virtual clock's start (epoch 0), in epoch seconds as the document holds it. */
const IN_ONE_HOUR = 3600;
const HOUR_MS = 3600_000;
const ISO_IN_ONE_HOUR = '1970-01-01T01:00:00.000Z';

const devsInProdUntil = (expires: number): RuleDocument => ({ principal: { group: 'Devs' }, permissionSet: 'Dev', target: { ou: 'Root/Workloads/Prod' }, expires });
const devsInDev: RuleDocument = { principal: { group: 'Devs' }, permissionSet: 'Dev', target: { ou: 'Root/Workloads/Dev' } };
const adminsEverywhere: RuleDocument = { principal: { group: 'Admins' }, permissionSet: 'Admin', target: { all: true } };

describe('expiring rules', () => {
  test('a rule grants until its instant; the first run after it removes its assignments and reports them as expired', async () => {
    const world = new World(org(), configWith([devsInDev, devsInProdUntil(IN_ONE_HOUR)]));
    const before = await world.run();
    expect(before.counts).toMatchObject({ created: 3, expired: 0 });
    expect(world.live()).toEqual(['Devs:Dev@dev-1', 'Devs:Dev@prod-1', 'Devs:Dev@prod-2']);

    world.clock.advance(HOUR_MS);
    const after = await world.run();
    expect(after.outcome).toBe('converged');
    expect(after.counts).toMatchObject({ deletes: 2, deleted: 2, expired: 2, desired: 1 });
    expect(after.errors).toEqual([]);
    expect(after.notices).toEqual([`rule 2 (group Devs -> Dev @ ou Root/Workloads/Prod) expired at ${ISO_IN_ONE_HOUR}: 2 assignment(s) removed`]);
    expect(world.live()).toEqual(['Devs:Dev@dev-1']);
    // Each removal's change line (and so its change event) names the rule that expired.
    expect(after.changes.map((c) => [c.action, c.account.replace(/ .*/, ''), c.expired])).toEqual([
      ['delete', 'prod-1', `rule 2 (group Devs -> Dev @ ou Root/Workloads/Prod) expired at ${ISO_IN_ONE_HOUR}`],
      ['delete', 'prod-2', `rule 2 (group Devs -> Dev @ ou Root/Workloads/Prod) expired at ${ISO_IN_ONE_HOUR}`],
    ]);
  });

  test('at the instant itself the rule has expired (expires is the first second it grants nothing)', async () => {
    const world = new World(org(), configWith([devsInDev, devsInProdUntil(IN_ONE_HOUR)]));
    await world.run();
    world.clock.advance(HOUR_MS - world.clock.now() - 1);
    expect((await world.run()).counts.expired).toBe(0);
    world.clock.advance(1);
    expect((await world.run()).counts.expired).toBe(2);
  });

  test('a removal that fails is reported as not done', async () => {
    const world = new World(org(), configWith([devsInDev, devsInProdUntil(IN_ONE_HOUR)]));
    await world.run();
    const stuck = world.group('Devs', 'Dev', 'prod-2');
    world.ic.failOps.set(`${stuck.principalType}:${stuck.principalId}|${stuck.permissionSetArn}|${stuck.accountId}`, 'AccessDenied');
    world.clock.advance(HOUR_MS);
    const after = await world.run();
    expect(after.counts).toMatchObject({ deleted: 1, failed: 1, expired: 2 });
    expect(after.notices).toEqual([`rule 2 (group Devs -> Dev @ ou Root/Workloads/Prod) expired at ${ISO_IN_ONE_HOUR}: 1 assignment(s) removed, 1 not (see changes)`]);
  });

  test('a plan names the expired rule and what it would remove, and changes nothing', async () => {
    const world = new World(org(), configWith([devsInDev, devsInProdUntil(IN_ONE_HOUR)]));
    await world.run();
    world.clock.advance(HOUR_MS);
    const plan = await world.run('plan');
    expect(plan.counts).toMatchObject({ deletes: 2, expired: 2, deleted: 0 });
    expect(plan.notices).toEqual([`rule 2 (group Devs -> Dev @ ou Root/Workloads/Prod) expired at ${ISO_IN_ONE_HOUR}: 2 assignment(s) to remove`]);
    expect(plan.changes.map((c) => c.expired)).toEqual([expect.stringMatching(/^rule 2 /), expect.stringMatching(/^rule 2 /)]);
    expect(world.live()).toHaveLength(3);
  });

  test('an assignment another rule still grants stays', async () => {
    const adminsInProdUntil: RuleDocument = { principal: { group: 'Admins' }, permissionSet: 'Admin', target: { ou: 'Root/Workloads/Prod' }, expires: IN_ONE_HOUR };
    const world = new World(org(), configWith([adminsEverywhere, adminsInProdUntil]));
    await world.run();
    world.clock.advance(HOUR_MS);
    const after = await world.run();
    expect(after.counts).toMatchObject({ deletes: 0, expired: 0 });
    expect(after.notices).toEqual([]);
    expect(world.live()).toEqual(['Admins:Admin@dev-1', 'Admins:Admin@management', 'Admins:Admin@prod-1', 'Admins:Admin@prod-2']);
  });

  test('the pair of an expired rule stays owned: a grant made again by hand is removed again, not left unmanaged', async () => {
    const world = new World(org(), configWith([devsInProdUntil(IN_ONE_HOUR)]));
    await world.run();
    world.clock.advance(HOUR_MS);
    await world.run();
    expect(world.live()).toEqual([]);
    const pair = `GROUP:${world.store.groups.get('Devs')}|${world.group('Devs', 'Dev', 'prod-1').permissionSetArn}`;
    expect(world.state.state?.pairs).toContain(pair);

    world.ic.add(world.group('Devs', 'Dev', 'prod-1'));
    const again = await world.run();
    expect(again.counts).toMatchObject({ deleted: 1, expired: 1 });
    expect(world.live()).toEqual([]);
  });

  test('a config whose every rule has expired is not refused as empty: its expiries were deployed on purpose', async () => {
    const world = new World(org(), configWith([devsInProdUntil(IN_ONE_HOUR)]));
    await world.run();
    // Drift of the same pair that the expired rule never granted: an ordinary deletion, which an empty desired state still refuses.
    world.ic.add(world.group('Devs', 'Dev', 'dev-1'));
    world.clock.advance(HOUR_MS);
    const after = await world.run();
    expect(after.counts).toMatchObject({ desired: 0, deleted: 2, expired: 2, deletionsRefused: 1 });
    expect(after.refusals.map((r) => r.reason)).toEqual(['empty-config']);
    expect(world.live()).toEqual(['Devs:Dev@dev-1']);
  });

  test('expired deletions count toward maxDeletionsPerRun (the limit is the function\'s, and a hand edit of the document could expire every rule)', async () => {
    const world = new World(org(), configWith([devsInDev, devsInProdUntil(IN_ONE_HOUR)]));
    await world.run();
    world.guards.maxDeletionsPerRun = 1;
    world.clock.advance(HOUR_MS);
    const after = await world.run();
    expect(after.counts).toMatchObject({ deleted: 0, expired: 0, deletionsRefused: 2 });
    expect(after.refusals[0].message).toMatch(/2 deletion\(s\) refused: more than maxDeletionsPerRun \(1\), 2 of them of rules past their expiry/);
    expect(world.live()).toHaveLength(3);
  });

  test('an expired rule needs nothing it names to resolve: an OU gone since is no error and blocks no deletion', async () => {
    const gone: RuleDocument = { principal: { group: 'Devs' }, permissionSet: 'Dev', target: { ou: 'Root/Workloads/Gone' }, expires: IN_ONE_HOUR };
    const world = new World(org(), configWith([devsInDev, gone]));
    world.ic.add(world.group('Devs', 'Dev', 'prod-1'));
    const before = await world.run();
    // Before its instant the unknown OU is an error, and holds back the deletions of the pair.
    expect(before.errors.join()).toMatch(/Root\/Workloads\/Gone/);
    expect(before.counts.deleted).toBe(0);

    world.clock.advance(HOUR_MS);
    const after = await world.run();
    expect(after.errors).toEqual([]);
    // The drift is removed as an ordinary deletion: the expired rule would not grant it, so it is not reported as expired.
    expect(after.counts).toMatchObject({ deleted: 1, expired: 0 });
    expect(after.changes.map((c) => c.expired)).toEqual([undefined]);
    expect(world.live()).toEqual(['Devs:Dev@dev-1']);
  });

  test('what an expired rule would grant is known only when its whole target resolves: with an exclusion gone, its removals are ordinary deletions', async () => {
    const partly: RuleDocument = {
      principal: { group: 'Devs' }, permissionSet: 'Dev', target: { ou: 'Root/Workloads', exclude: [{ ou: 'Gone' }] }, expires: IN_ONE_HOUR,
    };
    const world = new World(org(), configWith([devsInDev, partly]));
    world.ic.add(world.group('Devs', 'Dev', 'prod-1'));
    world.clock.advance(HOUR_MS);
    const after = await world.run();
    expect(after.counts).toMatchObject({ deleted: 1, expired: 0 });
    expect(after.notices).toEqual([]);
  });

  test('an unreadable state blocks expired deletions like any other', async () => {
    const world = new World(org(), configWith([devsInDev, devsInProdUntil(IN_ONE_HOUR)]));
    await world.run();
    world.clock.advance(HOUR_MS);
    const after = await world.run('apply', { state: { read: async () => { throw new Error('throttled'); }, write: async () => undefined } });
    expect(after.counts).toMatchObject({ deleted: 0, deletionsRefused: 2 });
    expect(after.refusals[0].reason).toBe('incomplete-information');
  });
});
