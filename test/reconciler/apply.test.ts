import { FakeIdentityCenter, PS, VirtualClock } from './fakes';
import { OperationOutcome, alreadyGone, applyOperations, transientFailure } from '../../src/reconciler/core/apply';
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

const ENTITLEMENT_404 = 'Received a 404 status error: EntitlementItem doesn\'t exist with the given entitlement key EntitlementKey{accessorId=AccessorId{value=g-1}, '
  + 'resourceId=ResourceId{value=ps-admin0000000000}, auxiliaryResourceId=AuxiliaryResourceId{value=ssoins-1111222233334444}, containerId=ContainerId{value=100000000001}}';

describe('alreadyGone', () => {
  const del: Operation = { kind: 'delete', assignment: assignment(1, 1) };
  test('a deletion that finds nothing to delete is a success (the reason AWS gives, as terraform-provider-aws quotes it)', () => {
    expect(alreadyGone(del, ENTITLEMENT_404)).toBe(true);
  });
  test('a missing principal, a provisioning race and creates are never taken for success', () => {
    expect(alreadyGone(del, 'Received a 404 status error: the GROUP assignee g-1 was not found in directory d-1234567890')).toBe(false);
    // The reason a provisioning gets when the last assignment goes under it (terraform-provider-aws#35158): not a deletion's.
    expect(alreadyGone(del, 'Received a 404 status error: Assignment not found.')).toBe(false);
    expect(alreadyGone({ kind: 'create', assignment: assignment(1, 1) }, ENTITLEMENT_404)).toBe(false);
    expect(alreadyGone(del, undefined)).toBe(false);
  });
});

describe('transient FAILED statuses', () => {
  test('the reasons AWS gives for passing trouble are transient; a missing principal or a quota is not', () => {
    expect(transientFailure('An unexpected internal service exception was encountered')).toBe(true);
    expect(transientFailure('Received a 403 status error: Access denied by IAM. Please check your policy, or wait for role propagation to complete. IAM Error: ...')).toBe(true);
    expect(transientFailure("AWS SSO is unable to complete your request at this time. Obtaining permissions to manage your AWS account '111111111111' takes longer than usual.")).toBe(true);
    expect(transientFailure("... Obtaining permissions to manage your AWS account 'REDACTED' is taking longer than usual.")).toBe(true);
    expect(transientFailure(undefined)).toBe(true);
    expect(transientFailure('')).toBe(true);
    expect(transientFailure('Received a 404 status error: the GROUP assignee g-1 was not found in directory d-1234567890')).toBe(false);
    expect(transientFailure('Received a 400 status error: Max number of roles reached')).toBe(false);
  });

  test('are retried within the run with backoff, and succeed without waiting for the next run', async () => {
    const { clock, ic, options } = setup();
    const list = Array.from({ length: 4 }, (_, i) => assignment(1, i));
    ic.failTimes.set(`GROUP:g-1|${PS('Admin')}|100000000002`, { reason: 'An unexpected internal service exception was encountered', times: 2 });
    const outcomes = await applyOperations(creates(list), ic, options);
    expect(outcomes.map((o) => o.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(outcomes.find((o) => o.op.kind === 'create' && o.op.assignment.accountId === '100000000002')!.attempts).toBe(3);
    // Three attempts of 1 s each, one after the other, with backoffs in between.
    expect(clock.now()).toBeGreaterThan(3 * 1000);
  });

  test('that persist are reported with their reason and how often they failed', async () => {
    const { ic, options } = setup();
    ic.failTimes.set(`GROUP:g-1|${PS('Admin')}|100000000001`, { reason: 'An unexpected internal service exception was encountered', times: 10 });
    const [outcome] = await applyOperations(creates([assignment(1, 1)]), ic, options);
    expect(outcome).toMatchObject({ status: 'failed', attempts: 4, reason: 'An unexpected internal service exception was encountered (FAILED 4 times)' });
  });

  test('are not retried past the point where the run must stop', async () => {
    const { clock, ic, options } = setup();
    ic.failTimes.set(`GROUP:g-1|${PS('Admin')}|100000000001`, { reason: '', times: 10 });
    const [outcome] = await applyOperations(creates([assignment(1, 1)]), ic, { ...options, shouldStop: () => clock.now() > 1_500 });
    expect(outcome).toMatchObject({ status: 'not-started', reason: 'stopped before a retry' });
  });
});

describe('a deletion refused at once because what it deletes is gone', () => {
  test('ResourceNotFoundException to a deletion is done; to a creation it is a failure', async () => {
    const { ic, options } = setup();
    ic.add(assignment(1, 1));
    ic.refuseOps.set(`GROUP:g-1|${PS('Admin')}|100000000001`, 'ResourceNotFoundException');
    ic.refuseOps.set(`GROUP:g-1|${PS('Admin')}|100000000002`, 'ResourceNotFoundException');
    const outcomes = await applyOperations([
      { kind: 'delete', assignment: assignment(1, 1) },
      { kind: 'create', assignment: assignment(1, 2) },
    ], ic, options);
    expect(outcomes.map((o) => [o.op.kind, o.status, o.reason])).toEqual(expect.arrayContaining([
      ['delete', 'succeeded', 'already gone'],
      ['create', 'failed', 'ResourceNotFoundException: refused: ResourceNotFoundException'],
    ]));
  });
});
