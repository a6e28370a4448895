import { FakeIdentityCenter, PS, VirtualClock } from './fakes';
import { OperationOutcome, alreadyGone, applyOperations } from '../../src/reconciler/core/apply';
import { Assignment } from '../../src/reconciler/core/model';
import { Operation } from '../../src/reconciler/core/plan';

const assignment = (group: number, account: number, ps = 'Admin'): Assignment => ({
  principalType: 'GROUP', principalId: `g-${group}`, permissionSetArn: PS(ps), accountId: String(100000000000 + account),
});
const creates = (list: Assignment[]): Operation[] => list.map((a) => ({ kind: 'create', assignment: a }));

function setup(latencyMs = 1000) {
  const clock = new VirtualClock();
  const ic = new FakeIdentityCenter(clock, latencyMs);
  const options = { maxOutstanding: 15, clock, shouldStop: () => false, drainDeadline: () => Infinity };
  return { clock, ic, options };
}

describe('applyOperations', () => {
  test('keeps the outstanding cap full and never exceeds it', async () => {
    const { clock, ic, options } = setup();
    const ops = creates(Array.from({ length: 300 }, (_, i) => assignment(i % 10, i)));
    const outcomes = await applyOperations(ops, ic, options);

    expect(outcomes.filter((o) => o.status === 'succeeded')).toHaveLength(300);
    expect(ic.assignments.size).toBe(300);
    expect(ic.maxOutstandingSeen).toBe(15);
    // 300 operations of 1 s with 15 in flight take 20 s at the limit; allow poll lag.
    expect(clock.now()).toBeLessThan(20_000 * 1.35);
  });

  test('never runs two operations on the same permission set and account at once', async () => {
    const { ic, options } = setup();
    // 20 groups, all on the same account and permission set: strictly one at a time.
    const ops = creates(Array.from({ length: 20 }, (_, i) => assignment(i, 1)));
    const outcomes = await applyOperations(ops, ic, options);
    expect(outcomes.every((o) => o.status === 'succeeded')).toBe(true);
    expect(ic.conflicts).toBe(0);
    expect(ic.maxOutstandingSeen).toBe(1);
  });

  test('reports FAILED operations with their reason and carries on', async () => {
    const { ic, options } = setup();
    const list = Array.from({ length: 5 }, (_, i) => assignment(1, i));
    ic.failOps.set(`GROUP:g-1|${PS('Admin')}|100000000002`, 'Received a 400 status error: Max number of roles reached');
    const outcomes = await applyOperations(creates(list), ic, options);
    const failed = outcomes.filter((o) => o.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].reason).toBe('Received a 400 status error: Max number of roles reached');
    expect(outcomes.filter((o) => o.status === 'succeeded')).toHaveLength(4);
  });

  test('retries retryable start errors with backoff', async () => {
    const { ic, options } = setup();
    ic.transientFailures = 6;
    const outcomes = await applyOperations(creates([assignment(1, 1), assignment(1, 2)]), ic, options);
    expect(outcomes.map((o) => o.status)).toEqual(['succeeded', 'succeeded']);
    expect(outcomes.reduce((n, o) => n + o.attempts, 0)).toBe(8);
  });

  test('gives up after maxAttempts and reports the last error', async () => {
    const { ic, options } = setup();
    ic.transientFailures = 100;
    const [outcome] = await applyOperations(creates([assignment(1, 1)]), ic, { ...options, maxAttempts: 3 });
    expect(outcome).toMatchObject({ status: 'failed', attempts: 3, reason: 'ThrottlingException: rate exceeded' });
  });

  test('stops starting operations when told to, and returns the rest as not started', async () => {
    const { clock, ic, options } = setup();
    const ops = creates(Array.from({ length: 100 }, (_, i) => assignment(1, i)));
    const outcomes = await applyOperations(ops, ic, { ...options, shouldStop: () => clock.now() >= 3_000 });
    const byStatus = (s: string) => outcomes.filter((o) => o.status === s).length;
    expect(byStatus('succeeded')).toBeGreaterThan(0);
    expect(byStatus('succeeded') + byStatus('not-started')).toBe(100);
    // Everything started was waited for: nothing is left in flight.
    expect(ic.pending.size).toBe(0);
    expect(ic.assignments.size).toBe(byStatus('succeeded'));
  });

  test('operations still running at the drain deadline are reported unknown, not failed', async () => {
    const { clock, ic, options } = setup(60_000);
    const stopped = { ...options, shouldStop: () => clock.now() > 0, drainDeadline: () => 5_000 };
    const outcomes = await applyOperations(creates([assignment(1, 1)]), ic, stopped);
    expect(outcomes[0].status).toBe('unknown');
  });

  test('polls economically: under two status reads per operation (per-operation polling at this cadence costs about six)', async () => {
    const { ic, options } = setup();
    await applyOperations(creates(Array.from({ length: 150 }, (_, i) => assignment(i % 5, i))), ic, options);
    expect(ic.describes + ic.lists).toBeLessThan(150 * 2);
  });

  test('creates, provisions and deletes each reach their own outcome', async () => {
    const { ic, options } = setup();
    const old = assignment(9, 9);
    ic.add(old);
    ic.outdated.push({ permissionSetArn: PS('Admin'), accountId: '100000000003' });
    const seen: OperationOutcome[] = [];
    const outcomes = await applyOperations([
      { kind: 'create', assignment: assignment(1, 1) },
      { kind: 'provision', permissionSetArn: PS('Admin'), accountId: '100000000003' },
      { kind: 'delete', assignment: old },
    ], ic, { ...options, onOutcome: (o) => seen.push(o) });
    expect(outcomes.map((o) => [o.op.kind, o.status])).toEqual(expect.arrayContaining([['create', 'succeeded'], ['provision', 'succeeded'], ['delete', 'succeeded']]));
    expect(seen).toHaveLength(3);
    expect(ic.outdated).toHaveLength(0);
    expect(ic.assignments.has(`GROUP:g-9|${PS('Admin')}|100000000009`)).toBe(false);
  });
});

describe('alreadyGone', () => {
  const del: Operation = { kind: 'delete', assignment: assignment(1, 1) };
  test('a deletion that finds nothing to delete is a success', () => {
    expect(alreadyGone(del, 'Received a 404 status error: Assignment not found.')).toBe(true);
  });
  test('a missing principal and creates are never taken for success', () => {
    expect(alreadyGone(del, 'Received a 404 status error: the GROUP assignee g-1 was not found in directory d-1234567890')).toBe(false);
    expect(alreadyGone({ kind: 'create', assignment: assignment(1, 1) }, 'Received a 404 status error: Assignment not found.')).toBe(false);
    expect(alreadyGone(del, undefined)).toBe(false);
  });
});
