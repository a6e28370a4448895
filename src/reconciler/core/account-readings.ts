// The per-account reading of a delegated administrator without the assignment reader role, bounded
// by the Lambda's time and resumable across invocations. ListAccountAssignmentsForPrincipal is
// refused outside the management account, so the current assignments cost one ListAccountAssignments
// per account and permission set: 30,000 calls at 1,000 accounts and 30 sets, more than a Lambda's
// lifetime at the quota. Two things make it fit:
// - pruning: an account assignment provisions its permission set to the account (Identity Center
//   user guide, "Provisioning": assigning a permission set to an account provisions it there), so
//   only the accounts ListAccountsForProvisionedPermissionSet names can hold assignments of a set;
// - readings kept in the state table: each (account, permission set) read is saved as it completes,
//   trusted for READING_MAX_AGE_MS, and kept current with the run's own writes, so that the next
//   invocation reads only what is missing. Until every target has a reading, nothing is planned for
//   any principal (no deletion on incomplete information) and the run continues in a follow-up.
import { errorMessage, settleLimit } from './concurrency';
import { Assignment, PrincipalId, assignmentKey, pairKey, parsePairKey, principalKey, targetKey } from './model';
import { IdentityCenterReadPort } from './ports';

/** How long a saved reading stands for the account's current state: long enough for a reading spread over a few invocations. */
export const READING_MAX_AGE_MS = 60 * 60_000;

/** The principals holding one permission set in one account, as read at `readAt` (epoch ms). */
export interface AccountReading {
  readonly accountId: string;
  readonly permissionSetArn: string;
  readonly principals: readonly PrincipalId[];
  readonly readAt: number;
}

/** Where readings are kept between invocations (the state table). */
export interface ReadingPort {
  readings(): Promise<AccountReading[]>;
  /** Saves readings, replacing those of the same account and permission set. */
  saveReadings(readings: readonly AccountReading[]): Promise<void>;
}

export interface BoundedReadOptions {
  readonly readings?: ReadingPort;
  readonly now: () => number;
  /** True once no new read may start (the Lambda's time is nearly up). */
  readonly stop: () => boolean;
  readonly concurrency: number;
}

export interface BoundedRead {
  readonly assignments: ReadonlyMap<string, Assignment>;
  /** Targets still unread when the time ran out (or whose read failed). */
  readonly remaining: number;
  /** Targets read in this invocation. */
  readonly read: number;
  readonly failures: string[];
  readonly notices: string[];
}

/**
 * The current assignments of the owned pairs in `accounts`, from saved readings and new reads of
 * the (account, permission set) targets that can hold any, until `stop()`.
 */
export async function readPerAccountBounded(
  owned: ReadonlySet<string>,
  accounts: readonly string[],
  port: IdentityCenterReadPort,
  options: BoundedReadOptions,
): Promise<BoundedRead> {
  const failures: string[] = [];
  const notices: string[] = [];
  const permissionSets = [...new Set([...owned].map((p) => parsePairKey(p).permissionSetArn))].sort();
  const plannable = new Set(accounts);
  const targets: Array<{ accountId: string; permissionSetArn: string }> = [];
  for (const result of await settleLimit(permissionSets, options.concurrency, (arn) => port.listProvisionedAccounts(arn))) {
    // Without the list, every account may hold the set: nothing is pruned.
    const where = result.error === undefined ? result.value!.filter((a) => plannable.has(a)) : [...plannable];
    for (const accountId of where) targets.push({ accountId, permissionSetArn: result.item });
  }

  const saved = new Map<string, AccountReading>();
  if (options.readings) {
    try {
      for (const r of await options.readings.readings()) saved.set(targetKey(r.permissionSetArn, r.accountId), r);
    } catch (e) {
      notices.push(`the saved per-account readings could not be read (${errorMessage(e)}); reading every account again`);
    }
  }
  const now = options.now();
  const fresh = (t: { accountId: string; permissionSetArn: string }) => {
    const r = saved.get(targetKey(t.permissionSetArn, t.accountId));
    return r !== undefined && now - r.readAt < READING_MAX_AGE_MS ? r : undefined;
  };
  const unread = targets.filter((t) => fresh(t) === undefined);

  const fetched: AccountReading[] = [];
  let skipped = 0;
  await settleLimit(unread, options.concurrency, async (t) => {
    if (options.stop()) {
      skipped++;
      return;
    }
    try {
      const principals = await port.listAssignments(t.accountId, t.permissionSetArn);
      fetched.push({ ...t, principals, readAt: options.now() });
    } catch (e) {
      failures.push(`reading assignments of ${t.permissionSetArn} in ${t.accountId} failed (${errorMessage(e)})`);
    }
  });
  if (options.readings && fetched.length > 0) {
    await options.readings.saveReadings(fetched).catch((e) => {
      notices.push(`${fetched.length} per-account reading(s) could not be saved (${errorMessage(e)}); the next invocation reads them again`);
    });
  }

  const assignments = new Map<string, Assignment>();
  const add = (r: AccountReading) => {
    for (const principal of r.principals) {
      const assignment: Assignment = { ...principal, accountId: r.accountId, permissionSetArn: r.permissionSetArn };
      if (owned.has(pairKey(assignment))) assignments.set(assignmentKey(assignment), assignment);
    }
  };
  for (const t of targets) {
    const r = fresh(t);
    if (r) add(r);
  }
  for (const r of fetched) add(r);
  return { assignments, remaining: skipped + failures.length, read: fetched.length, failures, notices };
}

/**
 * The run's own successful writes, applied to the saved readings, so that the next invocation
 * within READING_MAX_AGE_MS sees them. A target whose reading cannot be updated is forgotten.
 */
export async function recordWrites(
  readings: ReadingPort,
  writes: ReadonlyArray<{ kind: 'create' | 'delete'; assignment: Assignment }>,
): Promise<void> {
  if (writes.length === 0) return;
  const byTarget = new Map<string, AccountReading>();
  for (const r of await readings.readings()) byTarget.set(targetKey(r.permissionSetArn, r.accountId), r);
  const changed = new Map<string, AccountReading>();
  for (const { kind, assignment } of writes) {
    const key = targetKey(assignment.permissionSetArn, assignment.accountId);
    const reading = changed.get(key) ?? byTarget.get(key);
    // A target without a reading was pruned (its set not provisioned there): a create provisions it, and the next run reads it.
    if (!reading) continue;
    const others = reading.principals.filter((p) => principalKey(p) !== principalKey(assignment));
    const principal = { principalType: assignment.principalType, principalId: assignment.principalId };
    changed.set(key, { ...reading, principals: kind === 'create' ? [...others, principal] : others });
  }
  if (changed.size > 0) await readings.saveReadings([...changed.values()]);
}
