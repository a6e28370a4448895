import { errorMessage } from './concurrency';
import { GuardSettings } from './decide';
import { ReconcileLog } from './execute';
import { EMPTY_STATE } from './memory';
import { principalKey } from './model';
import { CatalogEntry, IdentityCenterReadPort, LeasePort, LifecyclePort, OrganizationsPort, StatePort } from './ports';
import { DrainDeps, DrainOutcome, RetirementPort, assignmentsOf, drainAssignmentsOf, drainOwnedPairs, drainPermissionSet } from './retirement';
import { readOrganization } from './snapshot';
import { LIFECYCLE } from '../contract';

// What CloudFormation asks of the reconciler through its two custom resources (src/private/lifecycle.ts).
//
// A catalog generation resource exists per set of catalog permission set names (its logical id is
// derived from them). A deploy that removes or renames a permission set creates the new generation
// in the update pass, after the new function and before the new config document: its Create checks
// the retirement and FAILS it beyond maxDeletionsPerRun, so the deploy rolls back with nothing
// done. A Create is never part of a rollback, so the refusal can never fail one. The old generation
// is deleted in the cleanup phase, once the deploy can no longer roll back (user guide, "Update
// stacks"); its Delete drains what left the catalog and deletes it, and the deploy waits for that.
// CloudFormation itself retains the permission sets: its DeletePermissionSet would fail while they
// are provisioned, and a failed delete in the cleanup phase only leaves them behind (still granting
// access) without failing the deploy.
//
// The automation's lifecycle resource is never replaced: its Delete is an uninstall, where the
// removal policy decides (RETAIN changes no access; DESTROY drains every owned assignment and the
// catalog's permission sets).
//
// Checks answer at once. Drains wait in the FIFO queue behind any run and carry their request to a
// queued invocation, which holds the run lease and answers CloudFormation when done.

/** A CloudFormation custom resource request (user guide, "Custom resource request objects"). */
export interface CustomResourceRequest {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly ResourceType: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Readonly<Record<string, unknown>>;
  readonly OldResourceProperties?: Readonly<Record<string, unknown>>;
}

/** The physical id prefix of a generation whose create was refused. */
const REFUSED = 'refused-';

export interface CustomResourceAnswer {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalResourceId: string;
  readonly reason?: string;
}

/** A request is answered now, or handed to the queue to be carried out under the lease. */
export type Reception = { readonly answer: CustomResourceAnswer } | { readonly queue: true };

export function isCustomResourceRequest(event: unknown): event is CustomResourceRequest {
  const e = event as Partial<CustomResourceRequest> | undefined;
  return typeof e?.RequestType === 'string' && typeof e.ResponseURL === 'string' && typeof e.ResourceType === 'string';
}

export interface ReceiveDeps {
  readonly lifecycle: LifecyclePort;
  readonly guards: GuardSettings;
  /** The Identity Center instance the request names. */
  readonly identityCenter: (instanceArn: string) => IdentityCenterReadPort;
  readonly readConcurrency: number;
}

export async function receive(request: CustomResourceRequest, deps: ReceiveDeps): Promise<Reception> {
  const answer = (status: CustomResourceAnswer['status'], reason?: string): Reception =>
    ({ answer: { status, physicalResourceId: physicalIdOf(request), reason } });
  const props = request.ResourceProperties;
  if (request.ResourceType === LIFECYCLE.automationType) {
    const policy = props[LIFECYCLE.properties.removalPolicy] === 'destroy' ? 'destroy' : 'retain';
    if (request.RequestType === 'Create') await deps.lifecycle.markUninstalling(undefined);
    if (request.RequestType !== 'Delete') return answer('SUCCESS');
    // Deleted before the catalog generation (which it depends on): the generation's Delete then knows it is no rollback.
    await deps.lifecycle.markUninstalling(policy);
    return policy === 'destroy' ? { queue: true } : answer('SUCCESS');
  }
  if (request.ResourceType !== LIFECYCLE.catalogType) return answer('FAILED', `unknown resource type ${request.ResourceType}`);

  const id = physicalIdOf(request);
  const entries = catalogEntries(props);
  if (request.RequestType === 'Update') {
    await deps.lifecycle.addGeneration(id, entries);
    return answer('SUCCESS');
  }
  if (request.RequestType === 'Create') {
    const refused = await checkRetirement(request, entries, deps);
    // Marked, so that the Delete CloudFormation sends for a failed create is recognized as nothing to do.
    if (refused !== undefined) return { answer: { status: 'FAILED', physicalResourceId: refusedPhysicalId(request), reason: refused } };
    await deps.lifecycle.addGeneration(id, entries);
    return answer('SUCCESS');
  }
  if (id.startsWith(REFUSED)) return answer('SUCCESS');
  // Delete. The latest generation is deleted on an uninstall (nothing leaves the catalog: the
  // lifecycle resource, deleted first, follows the removal policy), or when its own create rolls
  // back. An older one is deleted in the cleanup phase of the deploy that replaced it.
  const generations = await deps.lifecycle.generations();
  const latest = generations[generations.length - 1];
  if (latest === undefined || latest.id === id) {
    if (await deps.lifecycle.uninstalling()) {
      await deps.lifecycle.removeGeneration(id);
      return answer('SUCCESS');
    }
    const previous = generations.length > 1 ? generations[generations.length - 2].permissionSets : [];
    // A rolled-back generation's retirements are off: those permission sets are in the catalog again.
    for (const r of await deps.lifecycle.retiring()) {
      if (previous.some((e) => e.permissionSetArn === r.permissionSetArn) && !r.confirmed) await deps.lifecycle.retired(r.permissionSetArn);
    }
    // Its new permission sets go with the rollback (CloudFormation deletes what it created), but the
    // config written in the same deploy may have assigned them already: those assignments go first.
    return leavingCatalog(entries, previous).length > 0 ? { queue: true } : (await deps.lifecycle.removeGeneration(id), answer('SUCCESS'));
  }
  const leaving = leavingCatalog(entries, latest.permissionSets);
  if (leaving.length === 0) {
    await deps.lifecycle.removeGeneration(id);
    return answer('SUCCESS');
  }
  // The cleanup phase: this deploy can no longer roll back. Confirmed now, before anything else can
  // fail, so that every run carries the retirement on if the drain never gets to finish it.
  await deps.lifecycle.markRetiring(leaving, true);
  return { queue: true };
}

/** The physical id of a generation whose create did not succeed: its Delete is then nothing to do. */
export function refusedPhysicalId(request: CustomResourceRequest): string {
  return `${REFUSED}${request.RequestId}`;
}

/**
 * The update pass of a deploy that removes or renames catalog permission sets: how many
 * assignments their retirement deletes, refused above the deletion limit. Recorded as retiring
 * (not yet confirmed: the deploy may still roll back) otherwise.
 */
async function checkRetirement(request: CustomResourceRequest, entries: CatalogEntry[], deps: ReceiveDeps): Promise<string | undefined> {
  const generations = await deps.lifecycle.generations();
  const before = generations[generations.length - 1]?.permissionSets ?? [];
  const leaving = leavingCatalog(before, entries);
  if (leaving.length === 0) return undefined;
  const instanceArn = String(request.ResourceProperties[LIFECYCLE.properties.instanceArn]);
  const names = leaving.map((e) => e.name).join(', ');
  let count: { assignments: unknown[]; failures: string[] };
  try {
    count = await assignmentsOf(leaving.map((e) => e.permissionSetArn), deps.identityCenter(instanceArn), deps.readConcurrency);
  } catch (error) {
    count = { assignments: [], failures: [errorMessage(error)] };
  }
  if (count.failures.length > 0) {
    return `could not count the assignments of the permission set(s) leaving the catalog (${names}): ${count.failures.slice(0, 3).join('; ')}. `
      + 'Nothing was changed; deploy again';
  }
  const limit = deps.guards.maxDeletionsPerRun;
  if (count.assignments.length > limit) {
    return `retiring permission set(s) ${names} would delete ${count.assignments.length} account assignment(s), more than maxDeletionsPerRun (${limit}). `
      + `Nothing was changed. To retire them, deploy with maxDeletionsPerRun of at least ${count.assignments.length} (and lower it afterwards), `
      + 'or first remove the rules that use them and let the reconciler delete their assignments over several runs';
  }
  await deps.lifecycle.markRetiring(leaving, false);
  return undefined;
}

export interface CarryOutDeps {
  readonly runId: string;
  readonly organizations: OrganizationsPort;
  readonly state: StatePort;
  readonly lifecycle: LifecyclePort;
  readonly lease: LeasePort;
  readonly leaseTtlMs: number;
  readonly identityCenter: (instanceArn: string) => RetirementPort;
  readonly drain: DrainDeps;
  readonly log: ReconcileLog;
}

/** A queued request's end: answered, left for another invocation (time ran out), or busy (another run holds the lease). */
export type Carried = { readonly answer: CustomResourceAnswer } | { readonly unfinished: true } | { readonly busy: true };

/** How often a queued drain asks again for a lease another run holds. */
const LEASE_POLL_MS = 1_000;

/**
 * Carries out a queued drain under the run lease: idempotent, so an unfinished one is simply queued
 * again. No queued run can hold the lease meanwhile (one message group), but a direct invocation or
 * a crashed run's unexpired lease can: the drain waits for it rather than fail while CloudFormation waits.
 */
export async function carryOut(request: CustomResourceRequest, deps: CarryOutDeps): Promise<Carried> {
  while (!(await deps.lease.acquire(deps.runId, deps.leaseTtlMs))) {
    if (deps.drain.time.shouldStop()) return { busy: true };
    await deps.drain.clock.sleep(LEASE_POLL_MS);
  }
  try {
    const props = request.ResourceProperties;
    const port = deps.identityCenter(String(props[LIFECYCLE.properties.instanceArn]));
    const id = physicalIdOf(request);
    const entries = catalogEntries(props);
    let drain: DrainDeps;
    try {
      drain = { ...deps.drain, ineligible: await ineligibleAccounts(deps.organizations, props, deps.drain.limits.readConcurrency) };
    } catch (error) {
      const reason = `reading the organization failed (${errorMessage(error)}); nothing was deleted`;
      // An uninstall cannot be tried again once CloudFormation moves on: it is answered, and says what it left.
      if (request.ResourceType === LIFECYCLE.automationType) return { answer: { status: 'SUCCESS', physicalResourceId: id, reason } };
      return { answer: { status: 'FAILED', physicalResourceId: id, reason: `${reason}. The reconciler carries on with the retirement on every run` } };
    }
    if (request.ResourceType === LIFECYCLE.automationType) return await uninstall(entries, port, { ...deps, drain }, id);

    const generations = await deps.lifecycle.generations();
    const latest = generations[generations.length - 1];
    if (latest?.id === id) {
      // A rollback: the generation's new permission sets lose the assignments made meanwhile; CloudFormation deletes the sets.
      const previous = generations.length > 1 ? generations[generations.length - 2].permissionSets : [];
      const arriving = leavingCatalog(entries, previous);
      const drained = await drainAssignmentsOf(arriving.map((e) => e.permissionSetArn), port, drain);
      if (drained.unfinished) return { unfinished: true };
      await deps.lifecycle.removeGeneration(id);
      return { answer: answerOf(id, `rolling back ${arriving.map((e) => e.name).join(', ')}`, drained.deleted.length, problemsOf(drained)) };
    }
    const leaving = leavingCatalog(entries, latest?.permissionSets ?? []);
    await deps.lifecycle.markRetiring(leaving, true);
    const problems: string[] = [];
    let deleted = 0;
    for (const entry of leaving) {
      const drained = await drainPermissionSet(entry.permissionSetArn, port, drain);
      if (drained.unfinished) return { unfinished: true };
      deleted += drained.deleted.length;
      if (drained.permissionSetDeleted) await deps.lifecycle.retired(entry.permissionSetArn);
      else problems.push(`${entry.name}: ${problemsOf(drained).join('; ')}`);
      deps.log.info('retired permission set drained', { permissionSet: entry.name, deleted: drained.deleted.length, done: drained.permissionSetDeleted === true });
    }
    await deps.lifecycle.removeGeneration(id);
    return { answer: answerOf(id, `retiring ${leaving.map((e) => e.name).join(', ')}`, deleted, problems) };
  } finally {
    await deps.lease.release(deps.runId).catch(() => undefined);
  }
}

/**
 * RemovalPolicy.DESTROY: every owned assignment, then every catalog permission set (with what else
 * is assigned to it). Always answered SUCCESS: once CloudFormation moves on it deletes the function
 * and the state whatever the answer (a failed custom resource does not keep its dependencies), so a
 * FAILED would only make `cdk destroy` stop half-way. What is left is logged and in the answer.
 */
async function uninstall(entries: readonly CatalogEntry[], port: RetirementPort, deps: CarryOutDeps, id: string): Promise<Carried> {
  const stored = await deps.state.read();
  const owned = new Set('state' in stored ? stored.state.pairs : []);
  const drained = await drainOwnedPairs(owned, port, deps.drain);
  if (drained.unfinished) return { unfinished: true };
  const problems = problemsOf(drained);
  let deleted = drained.deleted.length;
  for (const entry of entries) {
    const set = await drainPermissionSet(entry.permissionSetArn, port, deps.drain);
    if (set.unfinished) return { unfinished: true };
    deleted += set.deleted.length;
    if (!set.permissionSetDeleted) problems.push(`${entry.name}: ${problemsOf(set).join('; ')}`);
  }
  const left = drained.skipped.map((s) => `${principalKey(s.assignment)} with ${s.assignment.permissionSetArn} in ${s.assignment.accountId} (${s.reason})`);
  if (problems.length + left.length === 0) {
    await deps.state.write(EMPTY_STATE);
    deps.log.info('uninstalled with RemovalPolicy.DESTROY', { deleted });
    return { answer: { status: 'SUCCESS', physicalResourceId: id } };
  }
  const reason = `uninstalled with RemovalPolicy.DESTROY: ${deleted} assignment(s) deleted; left behind, unmanaged from now on: `
    + `${[...problems, ...left.slice(0, 5)].join('; ')}${left.length > 5 ? `; and ${left.length - 5} more assignment(s)` : ''}`;
  deps.log.warn('uninstall left assignments or permission sets behind', { reason, left });
  return { answer: { status: 'SUCCESS', physicalResourceId: id, reason } };
}

/**
 * The accounts a drain may not change, and why: those that are not ACTIVE (Identity Center's
 * writes there hang, then fail; research on suspended accounts in core/apply.ts), those no longer in
 * the organization, and, for a delegated administrator, the management account (user guide,
 * "Delegated administration": it may not manage access there).
 */
async function ineligibleAccounts(
  organizations: OrganizationsPort, props: Readonly<Record<string, unknown>>, concurrency: number,
): Promise<(accountId: string) => string | undefined> {
  const org = await readOrganization(organizations, { withTags: false, concurrency });
  const management = props[LIFECYCLE.properties.managementAccountId];
  return (accountId) => {
    if (typeof management === 'string' && management !== '' && accountId === management) return 'the management account, which a delegated administrator may not change';
    const account = org.accounts.get(accountId);
    if (!account) return 'no longer in the organization';
    return account.status === 'ACTIVE' ? undefined : `${account.status.toLowerCase()}`;
  };
}

function problemsOf(drained: DrainOutcome): string[] {
  return [
    ...drained.readFailures,
    ...(drained.skipped.length > 0 && drained.permissionSetError === undefined
      ? [`${drained.skipped.length} assignment(s) left in accounts the reconciler may not change (${[...new Set(drained.skipped.map((s) => s.reason))].join(', ')})`]
      : []),
    ...drained.failed.slice(0, 3).map((f) => `deleting ${principalKey(f.assignment)} in ${f.assignment.accountId} failed: ${f.reason}`),
    ...(drained.failed.length > 3 ? [`${drained.failed.length - 3} more deletions failed`] : []),
    ...(drained.permissionSetError ? [drained.permissionSetError] : []),
  ];
}

/** SUCCESS when everything went; FAILED with the reasons otherwise (what is left is carried on with by every run). */
function answerOf(physicalResourceId: string, subject: string, deleted: number, problems: string[]): CustomResourceAnswer {
  if (problems.length === 0) return { status: 'SUCCESS', physicalResourceId };
  return {
    status: 'FAILED',
    physicalResourceId,
    reason: `${subject}: ${deleted} assignment(s) deleted; ${problems.join('; ')}. The reconciler carries on with what is left on every run`,
  };
}

/**
 * What a run does about permission sets whose retirement CloudFormation confirmed but a drain
 * could not finish (a failed deletion, a suspended account, a drain cut short): it tries again,
 * within the run's time, and says what is left.
 */
export async function continueRetirements(
  lifecycle: LifecyclePort, port: RetirementPort, drain: DrainDeps,
): Promise<{ notices: string[]; errors: string[] }> {
  const notices: string[] = [];
  const errors: string[] = [];
  for (const retiring of (await lifecycle.retiring()).filter((r) => r.confirmed)) {
    if (drain.time.shouldStop()) break;
    const drained = await drainPermissionSet(retiring.permissionSetArn, port, drain);
    if (drained.permissionSetDeleted) {
      await lifecycle.retired(retiring.permissionSetArn);
      notices.push(`retired permission set ${retiring.name} is deleted (${drained.deleted.length} remaining assignment(s) deleted first)`);
    } else {
      errors.push(`retired permission set ${retiring.name} (since ${retiring.since}) is not deleted yet: ${drained.deleted.length} assignment(s) `
        + `deleted this run; ${problemsOf(drained).join('; ') || 'stopped for time'}; the next run tries again`);
    }
  }
  return { notices, errors };
}

/** The generation's id is its Generation property; the lifecycle resource's, its logical id. */
function physicalIdOf(request: CustomResourceRequest): string {
  if (request.PhysicalResourceId) return request.PhysicalResourceId;
  const generation = request.ResourceProperties[LIFECYCLE.properties.generation];
  return typeof generation === 'string' ? generation : request.LogicalResourceId;
}

function catalogEntries(props: Readonly<Record<string, unknown>>): CatalogEntry[] {
  const value = props[LIFECYCLE.properties.permissionSets];
  return (Array.isArray(value) ? value as Array<{ Name?: unknown; Arn?: unknown }> : [])
    .map((e) => ({ name: String(e.Name), permissionSetArn: String(e.Arn) }));
}

/** The permission sets of `before` that `after` no longer has. */
function leavingCatalog(before: readonly CatalogEntry[], after: readonly CatalogEntry[]): CatalogEntry[] {
  const kept = new Set(after.map((e) => e.permissionSetArn));
  return before.filter((e) => !kept.has(e.permissionSetArn));
}
