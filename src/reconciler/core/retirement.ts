import { OperationOutcome, applyOperations } from './apply';
import { errorMessage, settleLimit } from './concurrency';
import { Assignment, pairKey, sortAssignments } from './model';
import { Operation } from './plan';
import { Clock, IdentityCenterReadPort, IdentityCenterWritePort, PermissionSetDeletePort, WriteError } from './ports';

// Things the automation owns coming to an end: a catalog permission set retired (removed from the
// catalog, or replaced by a rename), or the whole automation uninstalled with RemovalPolicy.DESTROY.
// Identity Center refuses DeletePermissionSet while the set is still provisioned to an account
// (ConflictException, API reference, DeletePermissionSet), and deleting the last assignment of a
// permission set in an account is what deprovisions it there (there is no other call), so draining
// means: every assignment of the set, in every account it is provisioned to, deleted; the
// deprovisioning waited for; then the set itself.

export type RetirementPort = IdentityCenterReadPort & IdentityCenterWritePort & PermissionSetDeletePort;

export interface DrainDeps {
  readonly clock: Clock;
  readonly limits: { readonly maxOutstanding: number; readonly readConcurrency: number };
  readonly time: { shouldStop(): boolean; drainDeadline(): number };
  /**
   * Why an account may not be changed, or undefined when it may: only ACTIVE accounts of the
   * organization are (Identity Center's writes there hang and fail), and a delegated administrator
   * never changes the management account. @default every account may be changed
   */
  readonly ineligible?: (accountId: string) => string | undefined;
}

/** An assignment a drain leaves alone, and why. */
export interface Skipped {
  readonly assignment: Assignment;
  readonly reason: string;
}

/** What a drain did; a drain is idempotent, so an unfinished one is simply started again. */
export interface DrainOutcome {
  readonly deleted: Assignment[];
  /** Assignments that could not be deleted, with Identity Center's reason. */
  readonly failed: Array<{ readonly assignment: Assignment; readonly reason: string }>;
  /** Reads that failed: what they would have found is unknown, so the drain is not finished. */
  readonly readFailures: string[];
  /** Assignments in accounts that may not be changed: left, and the permission set with them. */
  readonly skipped: Skipped[];
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
  ineligible: (accountId: string) => string | undefined = () => undefined,
): Promise<{ assignments: Assignment[]; skipped: Skipped[]; failures: string[] }> {
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
  const skipped: Skipped[] = [];
  for (const result of await settleLimit(targets, concurrency, (t) => port.listAssignments(t.accountId, t.permissionSetArn))) {
    if (result.error !== undefined) {
      failures.push(`reading assignments of ${result.item.permissionSetArn} in ${result.item.accountId} failed (${errorMessage(result.error)})`);
      continue;
    }
    const reason = ineligible(result.item.accountId);
    for (const principal of result.value!) {
      const assignment = { ...principal, ...result.item };
      if (reason === undefined) assignments.push(assignment);
      else skipped.push({ assignment, reason });
    }
  }
  return { assignments: sortAssignments(assignments), skipped, failures };
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

/**
 * Drains one retired catalog permission set, waits until Identity Center has deprovisioned it
 * everywhere, then deletes it. With assignments left in accounts that may not be changed, the set
 * stays (Identity Center would refuse to delete it), and so does its retirement.
 */
export async function drainPermissionSet(permissionSetArn: string, port: RetirementPort, deps: DrainDeps): Promise<DrainOutcome> {
  const found = await assignmentsOf([permissionSetArn], port, deps.limits.readConcurrency, deps.ineligible);
  const drained = summarizeDeletes(await deleteAll(found.assignments, port, deps), found.failures, found.skipped);
  if (drained.unfinished || drained.failed.length > 0 || found.failures.length > 0) return drained;
  if (found.skipped.length > 0) {
    const accounts = [...new Set(found.skipped.map((s) => `${s.assignment.accountId} (${s.reason})`))];
    return { ...drained, permissionSetDeleted: false, permissionSetError: `kept: still assigned in ${accounts.join(', ')}, which the reconciler may not change` };
  }
  if (!(await deprovisioned(permissionSetArn, port, deps))) return { ...drained, unfinished: true };
  const deletion = await deletePermissionSet(permissionSetArn, port, deps);
  return { ...drained, permissionSetDeleted: deletion.deleted, permissionSetError: deletion.error };
}

/** Deletes every assignment of the owned pairs (an uninstall with RemovalPolicy.DESTROY). */
export async function drainOwnedPairs(owned: ReadonlySet<string>, port: RetirementPort, deps: DrainDeps): Promise<DrainOutcome> {
  const permissionSets = [...new Set([...owned].map((p) => p.split('|')[1]))];
  const found = await assignmentsOf(permissionSets, port, deps.limits.readConcurrency, deps.ineligible);
  const ownedSkipped = found.skipped.filter((s) => owned.has(pairKey(s.assignment)));
  return summarizeDeletes(await deleteAll(found.assignments.filter((a) => owned.has(pairKey(a))), port, deps), found.failures, ownedSkipped);
}

/** Deletes the assignments of these permission sets only (a rolled-back catalog's new sets, which CloudFormation then deletes). */
export async function drainAssignmentsOf(permissionSetArns: readonly string[], port: RetirementPort, deps: DrainDeps): Promise<DrainOutcome> {
  const found = await assignmentsOf(permissionSetArns, port, deps.limits.readConcurrency, deps.ineligible);
  const drained = summarizeDeletes(await deleteAll(found.assignments, port, deps), found.failures, found.skipped);
  if (drained.unfinished || drained.failed.length > 0) return drained;
  for (const arn of permissionSetArns) if (!(await deprovisioned(arn, port, deps))) return { ...drained, unfinished: true };
  return drained;
}

/**
 * How a drain waits for Identity Center to deprovision a set after its last deletion: polls one
 * second apart at first, twice as far apart each time up to ten seconds, for ten minutes at most.
 */
const DEPROVISION_POLL_MS = { first: 1_000, max: 10_000 };
const DEPROVISION_WAIT_MS = 10 * 60_000;
const nextPoll = (ms: number) => Math.min(ms * 2, DEPROVISION_POLL_MS.max);

/**
 * Deleting the last assignment of a permission set in an account deprovisions it there, but not at
 * once: "while waiting for accounts to be deprovisioned (which can take minutes ...), trying to
 * delete the permission set won't work" (aws-samples/aws-iam-identity-center-extensions PR #89).
 * False when it is still provisioned somewhere after the wait, or the run ran out of time.
 */
async function deprovisioned(permissionSetArn: string, port: RetirementPort, deps: DrainDeps): Promise<boolean> {
  const until = deps.clock.now() + DEPROVISION_WAIT_MS;
  for (let pause = DEPROVISION_POLL_MS.first; ; pause = nextPoll(pause)) {
    const accounts = await port.listProvisionedAccounts(permissionSetArn).catch((e) => (isNotFound(e) ? [] : undefined));
    if (accounts !== undefined && accounts.length === 0) return true;
    if (deps.time.shouldStop() || deps.clock.now() >= until) return false;
    await deps.clock.sleep(pause);
  }
}

function summarizeDeletes(outcomes: readonly OperationOutcome[], readFailures: string[], skipped: Skipped[]): DrainOutcome {
  const deleted = outcomes.filter((o) => o.status === 'succeeded').map((o) => assignmentOf(o));
  const failed = outcomes.filter((o) => o.status === 'failed').map((o) => ({ assignment: assignmentOf(o), reason: o.reason ?? 'failed' }));
  const unfinished = outcomes.some((o) => o.status === 'not-started' || o.status === 'unknown');
  return { deleted, failed, readFailures, unfinished, skipped };
}

function assignmentOf(outcome: OperationOutcome): Assignment {
  if (outcome.op.kind === 'provision') throw new Error('a drain deletes assignments only');
  return outcome.op.assignment;
}

/**
 * DeletePermissionSet once no account has it provisioned. A ConflictException ("Could not delete
 * because PermissionSet has ApplicationProfile associated with it.", hashicorp/terraform-provider-aws
 * #26757) means Identity Center still counts it as provisioned somewhere: tried again until the
 * deprovisioning wait is over. A set already gone counts as deleted; so does one IAM no longer
 * lets us see (its tag, on which the permission rests, went with it: AccessDenied for a set that
 * DescribePermissionSet no longer finds), which is what a second attempt after a lost answer meets.
 */
async function deletePermissionSet(
  permissionSetArn: string, port: RetirementPort, deps: DrainDeps,
): Promise<{ deleted: boolean; error?: string }> {
  const until = deps.clock.now() + DEPROVISION_WAIT_MS;
  for (let pause = DEPROVISION_POLL_MS.first; ; pause = nextPoll(pause)) {
    try {
      await port.deletePermissionSet(permissionSetArn);
      return { deleted: true };
    } catch (error) {
      if (isNotFound(error) || (isAccessDenied(error) && await gone(permissionSetArn, port))) return { deleted: true };
      const retryable = error instanceof WriteError && error.retryable;
      if (!retryable || deps.time.shouldStop() || deps.clock.now() >= until) return { deleted: false, error: `DeletePermissionSet failed (${errorMessage(error)})` };
      await deps.clock.sleep(pause);
    }
  }
}

async function gone(permissionSetArn: string, port: IdentityCenterReadPort): Promise<boolean> {
  return port.permissionSetName(permissionSetArn).then(() => false, (e) => isNotFound(e));
}

function isAccessDenied(error: unknown): boolean {
  return (error instanceof WriteError && error.code === 'AccessDeniedException') || (error as { name?: string })?.name === 'AccessDeniedException';
}

function isNotFound(error: unknown): boolean {
  return (error instanceof WriteError && error.code === 'ResourceNotFoundException') || (error as { name?: string })?.name === 'ResourceNotFoundException';
}
