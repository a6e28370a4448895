// The per-account reading of a delegated administrator without the assignment reader role, bounded
// by the Lambda's time and resumable across invocations. ListAccountAssignmentsForPrincipal is
// refused outside the management account, so the current assignments cost one ListAccountAssignments
// per account and permission set: 30,000 calls at 1,000 accounts and 30 sets, more than a Lambda's
// lifetime at the quota. Two things make it fit:
// - pruning: an account assignment provisions its permission set to the account (Identity Center
//   user guide, "Provisioning": assigning a permission set to an account provisions it there), so
//   only the accounts ListAccountsForProvisionedPermissionSet names can hold assignments of a set;
// - readings kept in the state table: each (account, permission set) read is saved as it completes
//   and kept current with the run's own writes, so that the next invocation reads only what is
//   missing, then refreshes old readings a share at a time. Until every target has a reading,
//   nothing is planned for any principal (no deletion on incomplete information) and the run
//   continues in a follow-up; after that, every run plans from the latest readings.
import { errorMessage, settleLimit } from './concurrency';
import { Assignment, PrincipalId, assignmentKey, pairKey, parsePairKey, principalKey, targetKey } from './model';
import { IdentityCenterReadPort } from './ports';

/** Saved readings older than this are read again, oldest first, as far as each run's share goes. */
export const READING_REFRESH_AGE_MS = 60 * 60_000;
/** Of the targets whose reading is old, a run reads again at most this share (and at least MIN_REFRESH): the rest next time. */
const REFRESH_SHARE = 0.1;
const MIN_REFRESH = 200;
/** Readings are saved in groups of this many as they complete, so that a Lambda cut short keeps most of its work. */
const SAVE_EVERY = 100;

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
  /** Deletes the readings of these targets. */
  forgetReadings(targets: ReadonlyArray<{ accountId: string; permissionSetArn: string }>): Promise<void>;
}

export interface BoundedReadOptions {
  readonly readings?: ReadingPort;
  readonly now: () => number;
  /** True once no new read may start (the Lambda's time for reading is up). */
  readonly stop: () => boolean;
  readonly concurrency: number;
  /** Targets (`targetKey`) someone else just changed (an Identity Center event): read again first, whatever their reading's age. */
  readonly changed?: ReadonlySet<string>;
}

export interface BoundedRead {
  readonly assignments: ReadonlyMap<string, Assignment>;
  /** Targets that have no reading at all after this invocation: until there are none, nothing is planned. */
  readonly remaining: number;
  /** Readings made and kept in this invocation. */
  readonly read: number;
  readonly failures: string[];
  readonly notices: string[];
  /** The latest reading of every target, by `targetKey`: what the run's own writes then update (recordWrites). */
  readonly latest: ReadonlyMap<string, AccountReading>;
}

/**
 * The current assignments of the owned pairs in `accounts`: every (account, permission set) target
 * that can hold any is read once, saved, and from then on read again when its reading is old, a
 * share per run, oldest first; the run uses the latest reading of each. A stale reading errs on the
 * safe side: a deletion of what is already gone ends "already gone", and what others changed in the
 * meantime is seen at the target's next reading (or by the run an Identity Center event starts).
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
    let where: string[];
    if (result.error === undefined) {
      where = result.value!.filter((a) => plannable.has(a));
    } else if ((result.error as Error).name === 'ResourceNotFoundException') {
      // A deleted permission set holds nothing: DeletePermissionSet is refused while it is assigned (hashicorp/terraform-provider-aws#26757).
      where = [];
    } else {
      // Without the list, every account may hold the set: nothing is pruned.
      notices.push(`the accounts ${result.item} is provisioned to could not be listed (${errorMessage(result.error)}); every account is read for it`);
      where = [...plannable];
    }
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
  // Readings of what is no longer a target (an account closed or moved out of reach, a set no longer managed or no
  // longer provisioned there) stand for nothing: forgotten, so that the table holds only what runs read.
  const wanted = new Set(targets.map((t) => targetKey(t.permissionSetArn, t.accountId)));
  const obsolete = [...saved.entries()].filter(([k]) => !wanted.has(k)).map(([, r]) => r);
  for (const r of obsolete) saved.delete(targetKey(r.permissionSetArn, r.accountId));
  if (options.readings && obsolete.length > 0) {
    await options.readings.forgetReadings(obsolete).catch((e) => {
      notices.push(`${obsolete.length} per-account reading(s) no longer needed could not be deleted (${errorMessage(e)})`);
    });
  }
  const latest = (t: { accountId: string; permissionSetArn: string }) => saved.get(targetKey(t.permissionSetArn, t.accountId));
  const now = options.now();
  const unread = targets.filter((t) => latest(t) === undefined);
  const isChanged = (t: { accountId: string; permissionSetArn: string }) => options.changed?.has(targetKey(t.permissionSetArn, t.accountId)) === true;
  // A change someone else made is read at once; until then its last reading stands.
  const changed = targets.filter((t) => latest(t) !== undefined && isChanged(t));
  const old = targets.filter((t) => { const r = latest(t); return r !== undefined && !isChanged(t) && now - r.readAt >= READING_REFRESH_AGE_MS; })
    .sort((a, b) => latest(a)!.readAt - latest(b)!.readAt)
    .slice(0, Math.max(MIN_REFRESH, Math.ceil(targets.length * REFRESH_SHARE)));

  const fetched: AccountReading[] = [];
  let kept = 0;
  let pending: AccountReading[] = [];
  const save = async () => {
    const batch = pending;
    pending = [];
    if (!options.readings || batch.length === 0) {
      kept += batch.length;
      return;
    }
    try {
      await options.readings.saveReadings(batch);
      kept += batch.length;
    } catch (e) {
      notices.push(`${batch.length} per-account reading(s) could not be saved (${errorMessage(e)}); the next invocation reads them again`);
    }
  };
  const firstTime = new Set(unread.map((t) => targetKey(t.permissionSetArn, t.accountId)));
  let refreshFailures = 0;
  await settleLimit([...changed, ...unread, ...old], options.concurrency, async (t) => {
    if (options.stop()) return;
    try {
      // A change someone else made may still be in progress when its event arrives (CloudTrail records the
      // request): its reading is kept as old, so that the next run reads it again first.
      const readAt = isChanged(t) ? 0 : options.now();
      const reading = { ...t, principals: await port.listAssignments(t.accountId, t.permissionSetArn), readAt };
      fetched.push(reading);
      pending.push(reading);
      if (pending.length >= SAVE_EVERY) await save();
    } catch (e) {
      // A target read before keeps its reading; one never read leaves the reading incomplete.
      if (firstTime.has(targetKey(t.permissionSetArn, t.accountId))) {
        failures.push(`reading assignments of ${t.permissionSetArn} in ${t.accountId} failed (${errorMessage(e)})`);
      } else {
        refreshFailures++;
      }
    }
  });
  await save();
  if (refreshFailures > 0) notices.push(`${refreshFailures} old per-account reading(s) could not be read again; their last reading stands`);

  for (const r of fetched) saved.set(targetKey(r.permissionSetArn, r.accountId), r);
  const assignments = new Map<string, Assignment>();
  let remaining = 0;
  for (const t of targets) {
    const r = latest(t);
    if (r === undefined) {
      remaining++;
      continue;
    }
    for (const principal of r.principals) {
      const assignment: Assignment = { ...principal, accountId: r.accountId, permissionSetArn: r.permissionSetArn };
      if (owned.has(pairKey(assignment))) assignments.set(assignmentKey(assignment), assignment);
    }
  }
  return { assignments, remaining, read: kept, failures, notices, latest: saved };
}

/**
 * The run's own successful writes, applied to the saved readings, so that the next invocation
 * within READING_MAX_AGE_MS sees them. A target whose reading cannot be updated is forgotten.
 */
export async function recordWrites(
  readings: ReadingPort,
  /** The readings the run planned from (BoundedRead.latest). */
  byTarget: ReadonlyMap<string, AccountReading>,
  writes: ReadonlyArray<{ kind: 'create' | 'delete'; assignment: Assignment }>,
): Promise<void> {
  if (writes.length === 0) return;
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
