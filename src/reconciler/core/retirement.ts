import { OperationOutcome, applyOperations } from './apply';
import { errorMessage, settleLimit } from './concurrency';
import { Assignment, assignmentKey, pairKey, sortAssignments } from './model';
import { Operation } from './plan';
import { Clock, IdentityCenterReadPort, IdentityCenterWritePort, PermissionSetDeletePort, WriteError } from './ports';

// Things the automation owns coming to an end: a catalog permission set retired (removed from the
// catalog, or replaced by a rename), or the whole automation uninstalled with RemovalPolicy.DESTROY.
// Identity Center refuses DeletePermissionSet while the set is still provisioned to an account
// ("ConflictException ... permission set is provisioned", API reference, DeletePermissionSet), and
// deleting the last assignment of a permission set in an account is what deprovisions it there, so
// draining means: every assignment of the set, in every account it is provisioned to, deleted; then
// the set itself.

export type RetirementPort = IdentityCenterReadPort & IdentityCenterWritePort & PermissionSetDeletePort;

export interface DrainDeps {
  readonly clock: Clock;
  readonly limits: { readonly maxOutstanding: number; readonly readConcurrency: number };
  readonly time: { shouldStop(): boolean; drainDeadline(): number };
}

/** What a drain did; a drain is idempotent, so an unfinished one is simply started again. */
export interface DrainOutcome {
  readonly deleted: Assignment[];
  /** Assignments that could not be deleted, with Identity Center's reason. */
  readonly failed: Array<{ readonly assignment: Assignment; readonly reason: string }>;
  /** Reads that failed: what they would have found is unknown, so the drain is not finished. */
  readonly readFailures: string[];
  /** The drain stopped for time with work left. */
  readonly unfinished: boolean;
  /** The permission set was deleted (retirement only), or why it was not. */
  readonly permissionSetDeleted?: boolean;
  readonly permissionSetError?: string;
}

/** Every assignment of these permission sets, in every account each is provisioned to. */
export async function assignmentsOf(
  permissionSetArns: readonly string[],
  port: IdentityCenterReadPort,
  concurrency: number,
): Promise<{ assignments: Assignment[]; failures: string[] }> {
  const failures: string[] = [];
  const targets: Array<{ permissionSetArn: string; accountId: string }> = [];
  for (const result of await settleLimit([...permissionSetArns], concurrency, (arn) => port.listProvisionedAccounts(arn))) {
    if (result.error !== undefined) {
      if (isNotFound(result.error)) continue; // already deleted: nothing of it is left anywhere
      failures.push(`listing the accounts of ${result.item} failed (${errorMessage(result.error)})`);
      continue;
    }
    for (const accountId of result.value!) targets.push({ permissionSetArn: result.item, accountId });
  }
  const assignments: Assignment[] = [];
  for (const result of await settleLimit(targets, concurrency, (t) => port.listAssignments(t.accountId, t.permissionSetArn))) {
    if (result.error !== undefined) {
      failures.push(`reading assignments of ${result.item.permissionSetArn} in ${result.item.accountId} failed (${errorMessage(result.error)})`);
      continue;
    }
    for (const principal of result.value!) assignments.push({ ...principal, ...result.item });
  }
  return { assignments: sortAssignments(assignments), failures };
}

/**
 * Deletes the assignments given, at the quota limit, and reports what is left. `only` narrows them
 * to some pairs (an uninstall deletes only owned pairs; a retirement deletes all, since the set goes).
 */
export async function deleteAll(assignments: readonly Assignment[], port: RetirementPort, deps: DrainDeps): Promise<OperationOutcome[]> {
  const ops = assignments.map((assignment): Operation => ({ kind: 'delete', assignment }));
  if (ops.length === 0) return [];
  return applyOperations(ops, port, {
    maxOutstanding: deps.limits.maxOutstanding,
    clock: deps.clock,
    shouldStop: deps.time.shouldStop,
    drainDeadline: deps.time.drainDeadline,
  });
}

/** Drains one retired catalog permission set, then deletes it. */
export async function drainPermissionSet(permissionSetArn: string, port: RetirementPort, deps: DrainDeps): Promise<DrainOutcome> {
  const { assignments, failures } = await assignmentsOf([permissionSetArn], port, deps.limits.readConcurrency);
  const drained = summarizeDeletes(await deleteAll(assignments, port, deps), failures);
  if (drained.unfinished || drained.failed.length > 0 || failures.length > 0) return drained;
  const deletion = await deletePermissionSet(permissionSetArn, port, deps.clock);
  return { ...drained, permissionSetDeleted: deletion.deleted, permissionSetError: deletion.error };
}

/** Deletes every assignment of the owned pairs (an uninstall with RemovalPolicy.DESTROY). */
export async function drainOwnedPairs(owned: ReadonlySet<string>, port: RetirementPort, deps: DrainDeps): Promise<DrainOutcome> {
  const permissionSets = [...new Set([...owned].map((p) => p.split('|')[1]))];
  const { assignments, failures } = await assignmentsOf(permissionSets, port, deps.limits.readConcurrency);
  return summarizeDeletes(await deleteAll(assignments.filter((a) => owned.has(pairKey(a))), port, deps), failures);
}

function summarizeDeletes(outcomes: readonly OperationOutcome[], readFailures: string[]): DrainOutcome {
  const deleted = outcomes.filter((o) => o.status === 'succeeded').map((o) => assignmentOf(o));
  const failed = outcomes.filter((o) => o.status === 'failed').map((o) => ({ assignment: assignmentOf(o), reason: o.reason ?? 'failed' }));
  const unfinished = outcomes.some((o) => o.status === 'not-started' || o.status === 'unknown');
  return { deleted, failed, readFailures, unfinished };
}

function assignmentOf(outcome: OperationOutcome): Assignment {
  if (outcome.op.kind === 'provision') throw new Error('a drain deletes assignments only');
  return outcome.op.assignment;
}

/**
 * DeletePermissionSet, through the moments after the last deletion in which Identity Center may
 * still count the set as provisioned (ConflictException): five attempts, as CloudFormation's own
 * handler makes (aws-cloudformation-resource-providers-sso, DeleteHandler), with growing pauses.
 * A set already gone counts as deleted.
 */
async function deletePermissionSet(
  permissionSetArn: string, port: PermissionSetDeletePort, clock: Clock,
): Promise<{ deleted: boolean; error?: string }> {
  let last = '';
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      await port.deletePermissionSet(permissionSetArn);
      return { deleted: true };
    } catch (error) {
      if (isNotFound(error)) return { deleted: true };
      last = errorMessage(error);
      if (!(error instanceof WriteError && error.retryable)) break;
      await clock.sleep(attempt * 5_000);
    }
  }
  return { deleted: false, error: `DeletePermissionSet failed (${last})` };
}

function isNotFound(error: unknown): boolean {
  return (error instanceof WriteError && error.code === 'ResourceNotFoundException') || (error as { name?: string })?.name === 'ResourceNotFoundException';
}

/** The assignments of `before` still present in `after`, by key (for reports of what is left). */
export function remaining(before: readonly Assignment[], deleted: readonly Assignment[]): Assignment[] {
  const gone = new Set(deleted.map(assignmentKey));
  return before.filter((a) => !gone.has(assignmentKey(a)));
}
