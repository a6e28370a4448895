import { configWith } from './documents';
import { FakeIdentityCenter, PS, orgFrom } from './fakes';
import { World } from './world';
import { RuleDocument } from '../../src/reconciler/config/document';
import { AccountReading, READING_REFRESH_AGE_MS, ReadingPort } from '../../src/reconciler/core/account-readings';
import { PrincipalId } from '../../src/reconciler/core/model';
import { OrgAccount } from '../../src/reconciler/core/snapshot';

// A delegated administrator without the assignment reader role reads per account and permission
// set; that reading is bounded by the Lambda's time and resumed from saved readings.

const org = () => orgFrom({
  'Root': ['management'],
  'Root/Workloads/Prod': ['prod-1', 'prod-2', 'prod-3'],
  'Root/Workloads/Dev': ['dev-1', 'dev-2'],
});

const adminsEverywhere: RuleDocument = { principal: { group: 'Admins' }, permissionSet: 'Admin', target: { all: true } };
const devsInDev: RuleDocument = { principal: { group: 'Devs' }, permissionSet: 'Dev', target: { ou: 'Root/Workloads/Dev' } };

class MemoryReadings implements ReadingPort {
  readonly saved = new Map<string, AccountReading>();
  saves = 0;
  async readings() {
    return [...this.saved.values()];
  }
  async saveReadings(readings: readonly AccountReading[]) {
    this.saves++;
    for (const r of readings) this.saved.set(`${r.accountId}|${r.permissionSetArn}`, r);
  }
  async forgetReadings(targets: ReadonlyArray<{ accountId: string; permissionSetArn: string }>) {
    for (const t of targets) this.saved.delete(`${t.accountId}|${t.permissionSetArn}`);
  }
}

/** Counts ListAccountAssignments calls, the per-account reading's unit of work. */
function countReads(ic: FakeIdentityCenter): () => number {
  let reads = 0;
  const original = ic.listAssignments.bind(ic);
  ic.listAssignments = async (accountId: string, permissionSetArn: string): Promise<PrincipalId[]> => {
    reads++;
    return original(accountId, permissionSetArn);
  };
  return () => reads;
}

describe('the per-account reading of a delegated administrator', () => {
  test('an assignment deleted by hand is put back at once when its event names the target, and only that target is read', async () => {
    // Devs also hold Admin in prod-1, so the set stays provisioned there when Admins' assignment goes (deleting the last one deprovisions it).
    const devsAdminInProd1: RuleDocument = { principal: { group: 'Devs' }, permissionSet: 'Admin', target: { account: 'prod-1' } };
    const world = new World(org(), configWith([adminsEverywhere, devsInDev, devsAdminInProd1]));
    world.ic.forPrincipalRefused = true;
    const readings = new MemoryReadings();
    await world.run('apply', { readings });
    // The second run reads the targets the first one's creates provisioned: every target has a reading.
    await world.run('apply', { readings });
    const prod1 = [...world.org.accounts.values()].find((a) => a.name === 'prod-1')!.id;
    const key = [...world.ic.assignments.keys()].find((k) => k.endsWith(`|${PS('Admin')}|${prod1}`))!;
    world.ic.assignments.delete(key);
    const reads = countReads(world.ic);
    // Without the event, the fresh reading still shows it: nothing to do until that target's next reading.
    expect((await world.run('apply', { readings })).counts.creates).toBe(0);
    expect(reads()).toBe(0);
    const trigger = { assignmentsChanged: [{ accountId: prod1, permissionSetArn: PS('Admin') }] };
    const report = await world.run('apply', { readings, trigger });
    expect(report.counts.created).toBe(1);
    expect(reads()).toBe(1);
    expect(world.ic.assignments.has(key)).toBe(true);
  });

  test('reads only where the permission set is provisioned', async () => {
    const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
    await world.run();
    world.ic.forPrincipalRefused = true;
    const reads = countReads(world.ic);
    const readings = new MemoryReadings();
    const report = await world.run('apply', { readings });
    expect(report.readStrategy).toBe('per-account');
    expect(report.outcome).toBe('no-changes');
    // Admin is provisioned to all 6 accounts, Dev to the 2 dev accounts: 8 reads, not 6 × 2.
    expect(reads()).toBe(8);
    expect(readings.saved.size).toBe(8);
  });

  test('out of time: nothing is planned, the readings so far are kept, and the follow-up reads only the rest, then applies', async () => {
    const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
    await world.run();
    world.ic.forPrincipalRefused = true;
    // A rule removed (2 deletions due) and one added (2 creates due).
    world.document = configWith([{ ...adminsEverywhere, target: { ou: 'Root/Workloads/Prod' } }, devsInDev, { ...devsInDev, principal: { group: 'Admins' }, permissionSet: 'Dev' }]);
    const reads = countReads(world.ic);
    const readings = new MemoryReadings();
    const writes = world.ic.writes;

    const first = await world.run('apply', { readings, time: { shouldStop: () => reads() >= 3, drainDeadline: () => Infinity } });
    expect(first.outcome).toBe('continuing');
    expect(first.continuation).toBe(true);
    expect(first.counts).toMatchObject({ creates: 0, deletes: 0 });
    expect(first.notices).toContainEqual(expect.stringMatching(/the per-account reading is not complete: \d+ account and permission set target\(s\) are still to read \(3 read/));
    expect(world.ic.writes).toBe(writes);
    expect(readings.saved.size).toBe(3);

    const second = await world.run('apply', { readings });
    expect(reads()).toBe(8);
    expect(second.outcome).toBe('converged');
    expect(second.counts).toMatchObject({ created: 2, deleted: 3 });
    expect(world.live()).toEqual([
      'Admins:Admin@prod-1', 'Admins:Admin@prod-2', 'Admins:Admin@prod-3', 'Admins:Dev@dev-1', 'Admins:Dev@dev-2', 'Devs:Dev@dev-1', 'Devs:Dev@dev-2',
    ]);

    // The readings follow the run's own writes: the next run, within their age, reads nothing and changes nothing.
    const third = await world.run('apply', { readings });
    expect(reads()).toBe(8);
    expect(third.outcome).toBe('no-changes');
  });

  test('a reading that makes no progress does not continue; old readings are read again, oldest first, a share per run', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    await world.run();
    world.ic.forPrincipalRefused = true;
    const reads = countReads(world.ic);
    const readings = new MemoryReadings();

    const stuck = await world.run('apply', { readings, time: { shouldStop: () => true, drainDeadline: () => Infinity } });
    expect(stuck.outcome).toBe('partial');
    expect(stuck.continuation).toBe(false);
    expect(reads()).toBe(0);

    await world.run('apply', { readings });
    expect(reads()).toBe(6);
    await world.run('apply', { readings });
    expect(reads()).toBe(6);
    await world.clock.sleep(READING_REFRESH_AGE_MS + 1);
    // At least 200 old readings a run, so all 6 of this small organization are read again.
    await world.run('apply', { readings });
    expect(reads()).toBe(12);
  });

  test('readings of what is no longer a target are forgotten: a set provisioned nowhere in reach, an account out of reach', async () => {
    const world = new World(org(), configWith([adminsEverywhere, devsInDev]));
    await world.run();
    world.ic.forPrincipalRefused = true;
    const readings = new MemoryReadings();
    await world.run('apply', { readings });
    expect(readings.saved.size).toBe(8);
    const dev1 = [...world.org.accounts.values()].find((a) => a.name === 'dev-1')!;
    (world.organizations.org.accounts as Map<string, OrgAccount>).set(dev1.id, { ...dev1, status: 'SUSPENDED' });
    world.document = configWith([adminsEverywhere]);
    const removed = await world.run('apply', { readings });
    expect(removed.counts.deleted).toBe(1);
    // The next run: Dev is provisioned nowhere it can reach any more, and dev-1, suspended, is out of reach.
    await world.run('apply', { readings });
    const kept = [...readings.saved.values()];
    expect(kept.every((r) => r.permissionSetArn === PS('Admin'))).toBe(true);
    expect(kept.map((r) => r.accountId).sort()).toEqual([...world.org.accounts.values()].filter((a) => a.name !== 'dev-1').map((a) => a.id).sort());
  });

  test('a failed read keeps every principal unplanned, and says which', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    await world.run();
    world.ic.forPrincipalRefused = true;
    world.document = configWith([{ ...adminsEverywhere, target: { ou: 'Root/Workloads/Prod' } }]);
    const original = world.ic.listAssignments.bind(world.ic);
    world.ic.listAssignments = async (accountId, arn) => {
      if (accountId === [...world.org.accounts.values()].find((a) => a.name === 'dev-1')!.id) throw Object.assign(new Error('rate exceeded'), { name: 'ThrottlingException' });
      return original(accountId, arn);
    };
    const report = await world.run('apply', { readings: new MemoryReadings() });
    expect(report.counts).toMatchObject({ deletes: 0, deleted: 0 });
    expect(report.errors).toContainEqual(expect.stringMatching(/reading assignments of .* in \d{12} failed \(ThrottlingException: rate exceeded\)/));
    expect(world.live()).toHaveLength(6);
  });

  test('a plan keeps its readings too, and writes nothing else: the next plan reads nothing', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    await world.run();
    world.ic.forPrincipalRefused = true;
    const reads = countReads(world.ic);
    const readings = new MemoryReadings();
    const writes = [world.ic.writes, world.state.writes];
    const plan = await world.run('plan', { readings });
    expect(plan.readStrategy).toBe('per-account');
    expect(reads()).toBe(6);
    await world.run('plan', { readings });
    expect(reads()).toBe(6);
    expect([world.ic.writes, world.state.writes]).toEqual(writes);
  });

  test('the reading stops at 70% of the time left, leaving the rest to saving, planning and applying', async () => {
    const world = new World(org(), configWith([adminsEverywhere]));
    await world.run();
    world.ic.forPrincipalRefused = true;
    const reads = countReads(world.ic);
    const deadline = world.clock.now() + 10_000;
    const original = world.ic.listAssignments.bind(world.ic);
    // Each read takes 1.5 s: 7 s of reading (70% of 10 s) fits 5 of the 6.
    world.ic.listAssignments = async (accountId, arn) => {
      await world.clock.sleep(1_500);
      return original(accountId, arn);
    };
    const report = await world.run('apply', {
      readings: new MemoryReadings(),
      limits: { maxOutstanding: 15, readConcurrency: 1 },
      time: { shouldStop: () => world.clock.now() >= deadline, drainDeadline: () => deadline },
    });
    expect(reads()).toBe(5);
    expect(report.outcome).toBe('continuing');
  });
});

describe('outcomes of creates from the FAILED listing', () => {
  const many = () => orgFrom({ 'Root': ['management'], 'Root/Workloads': Array.from({ length: 80 }, (_, i) => `workload-${i}`) });
  /** The fake with a FAILED listing, counting its calls. */
  const withFailedListing = (ic: FakeIdentityCenter) => {
    let listings = 0;
    Object.assign(ic, {
      listFailed: async () => {
        listings++;
        return new Set([...ic.finished.values()].filter((s) => s.status === 'FAILED').map((s) => s.requestId));
      },
    });
    return () => listings;
  };

  test('are inferred where the next run reads per principal, and never from per-account readings, which would keep the word', async () => {
    const perPrincipal = new World(many(), configWith([adminsEverywhere]));
    const listedThere = withFailedListing(perPrincipal.ic);
    expect((await perPrincipal.run()).counts.created).toBe(81);
    expect(listedThere()).toBeGreaterThan(0);
    expect(perPrincipal.ic.describes).toBeLessThan(81);

    const perAccount = new World(many(), configWith([adminsEverywhere]));
    perAccount.ic.forPrincipalRefused = true;
    const listedHere = withFailedListing(perAccount.ic);
    const report = await perAccount.run('apply', { readings: new MemoryReadings() });
    expect(report.readStrategy).toBe('per-account');
    expect(report.counts.created).toBe(81);
    expect(listedHere()).toBe(0);
    expect(perAccount.ic.describes).toBeGreaterThanOrEqual(81);
  });
});
