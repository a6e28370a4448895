import { OperationOutcome, applyOperations } from './apply';
import { errorMessage, settleLimit } from './concurrency';
import { CurrentRead, readCurrent } from './current';
import { ResolvedReferences, computeDesired, principalLookupKey } from './desired';
import { guardPlan } from './guard';
import { Assignment, OrgAccount, OrgSnapshot, PrincipalId, assignmentKey, principalKey } from './model';
import { OrgIndex } from './org-index';
import { ManagedScope, planChanges, toOperations } from './plan';
import {
  Clock, ConfigPort, IdentityCenterReadPort, IdentityCenterWritePort, IdentityStorePort,
  OrganizationsPort, ReconcilerState, StatePort,
} from './ports';
import { resolveReferences } from './references';
import { Namer, RunCounts, RunOutcome, RunReport, emptyCounts } from './report';
import { readOrganization } from './snapshot';
import { ConfigDocument, describePrincipal } from '../config/document';

export interface ReconcileLog {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
}

export interface ReconcileDeps {
  readonly runId: string;
  readonly config: ConfigPort;
  readonly state: StatePort;
  readonly organizations: OrganizationsPort;
  readonly identityStore: IdentityStorePort;
  readonly identityCenter: IdentityCenterReadPort & IdentityCenterWritePort;
  readonly clock: Clock;
  readonly log: ReconcileLog;
  readonly limits: {
    /** Asynchronous writes in flight (Identity Center allows 15). */
    readonly maxOutstanding: number;
    /** Concurrent read calls; the adapter's rate limiter bounds their rate. */
    readonly readConcurrency: number;
  };
  /** The Lambda's clock: when to stop starting work and when to stop waiting for it. */
  readonly time: { shouldStop(): boolean; drainDeadline(): number };
}

/**
 * One reconcile: load → snapshot → desired → current → plan → guard → apply → report.
 * `plan` mode (and a dry-run config) stops after the guard and writes nothing.
 */
export async function reconcile(deps: ReconcileDeps, mode: 'plan' | 'apply'): Promise<RunReport> {
  const startedAt = deps.clock.now();
  const counts = emptyCounts();
  const finish = (outcome: RunOutcome, rest: Partial<RunReport> = {}): RunReport => ({
    runId: deps.runId,
    mode,
    dryRun: false,
    outcome,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: deps.clock.now() - startedAt,
    counts,
    changes: [],
    refusals: [],
    errors: [],
    continuation: false,
    ...rest,
  });

  // 1. Load. An unusable document changes nothing at all.
  const config = await deps.config.read().catch((e): { invalid: string } => ({ invalid: `reading the config failed (${errorMessage(e)})` }));
  if ('invalid' in config) return finish('invalid-config', { errors: [config.invalid] });
  if ('inconsistent' in config) return finish('inconsistent-config', { errors: [config.inconsistent] });
  const doc = config.document;
  const dryRun = doc.options.dryRun;
  counts.rules = doc.rules.length;
  const incomplete: string[] = [];

  // 2. Snapshot, what the reconciler remembers, and every reference the rules make.
  let stateReadable = true;
  const remembered = await deps.state.read().catch((e) => {
    stateReadable = false;
    incomplete.push(`the reconciler state could not be read (${errorMessage(e)})`);
    return undefined;
  });
  let org: OrgSnapshot;
  try {
    org = await readOrganization(deps.organizations, { withTags: usesTags(doc), concurrency: deps.limits.readConcurrency });
  } catch (e) {
    return finish('failed', { dryRun, configRevision: config.revision, errors: [`reading the organization failed (${errorMessage(e)}); nothing was changed`] });
  }
  const index = new OrgIndex(org);
  const refs = await resolveReferences(doc, deps.identityStore, deps.identityCenter, deps.limits.readConcurrency);

  // 3. Desired.
  const eligible = (a: OrgAccount) => a.status === 'ACTIVE' && a.id !== doc.options.managementAccountId;
  const desired = computeDesired(doc, index, refs, eligible);
  incomplete.push(...desired.errors);
  counts.accounts = org.accounts.size;
  counts.desired = desired.assignments.size;

  // 4. Current, for every managed principal (configured now or remembered).
  const configuredPrincipals = resolvedPrincipals(refs.principals);
  const configuredPermissionSets = new Set([...refs.permissionSets.values()].flatMap((r) => ('value' in r ? [r.value] : [])));
  const scope: ManagedScope = {
    principals: new Set([...configuredPrincipals.keys(), ...(remembered?.principals ?? [])]),
    permissionSets: new Set([...configuredPermissionSets, ...(remembered?.permissionSets ?? [])]),
    plannableAccounts: new Set([...org.accounts.values()].filter(eligible).map((a) => a.id)),
  };
  const principals = [...scope.principals].map(parsePrincipalKey);
  const current = await readCurrent(principals, scope.permissionSets, [...scope.plannableAccounts], deps.identityCenter, deps.limits.readConcurrency);
  incomplete.push(...current.failures);
  counts.current = current.assignments.size;
  counts.foreign = current.foreign;

  // 5. Plan, including permission sets that fell behind their latest version.
  const drift = await findDrift([...configuredPermissionSets], deps.identityCenter, deps.limits.readConcurrency);
  const plan = planChanges(desired.assignments, current, scope, drift.outdated);

  const labels = { ...remembered?.labels, ...currentLabels(doc, refs) };
  const namer = new Namer(org, labels);
  const errors = [...incomplete, ...drift.failures];

  // 6. Remember the scope before any write, so assignments created now can always be removed later.
  // An unreadable state is never overwritten: that would forget what it holds.
  const nextRemembered = remember(scope.principals, scope.permissionSets, labels);
  const willWrite = mode === 'apply' && !dryRun;
  if (willWrite && stateReadable && !sameState(remembered, nextRemembered)) {
    await deps.state.write(nextRemembered).catch((e) => {
      incomplete.push(`the reconciler state could not be saved (${errorMessage(e)})`);
      errors.push(incomplete[incomplete.length - 1]);
    });
  }

  const guarded = guardPlan(plan, {
    incompleteBecause: incomplete,
    ruleCount: doc.rules.length,
    desiredCount: desired.assignments.size,
    maxDeletionsPerRun: doc.options.maxDeletionsPerRun,
  });
  counts.creates = guarded.plan.creates.length;
  counts.deletes = guarded.plan.deletes.length;
  counts.provisions = guarded.plan.provisions.length;
  counts.deletionsRefused = guarded.refusals.reduce((n, r) => n + r.deletionsRefused, 0);
  for (const refusal of guarded.refusals) deps.log.warn('deletions refused', { reason: refusal.reason, message: refusal.message });
  const common = { dryRun, configRevision: config.revision, refusals: guarded.refusals, errors, readStrategy: current.strategy };

  if (!willWrite) {
    const refused = plan.deletes.length > 0 && guarded.plan.deletes.length === 0 ? plan.deletes.map((a) => ({ ...namer.assignment('delete', a), status: 'not-started' as const, reason: 'refused' })) : [];
    return finish('planned', { ...common, changes: [...toOperations(guarded.plan).map((op) => namer.operation(op)), ...refused] });
  }

  // 7. Apply under the quotas.
  const operations = toOperations(guarded.plan);
  deps.log.info('applying', { creates: counts.creates, deletes: counts.deletes, provisions: counts.provisions });
  if (operations.length > 0 && deps.time.shouldStop()) {
    errors.push('reading the organization and the assignments took the whole run; nothing was applied. Raise the function\'s timeout or the read rates');
  }
  const outcomes = operations.length === 0 ? [] : await applyOperations(operations, deps.identityCenter, {
    maxOutstanding: deps.limits.maxOutstanding,
    clock: deps.clock,
    shouldStop: deps.time.shouldStop,
    drainDeadline: deps.time.drainDeadline,
  });
  tally(counts, outcomes);

  // A follow-up run only helps when this one made progress; otherwise the schedule takes over.
  const started = outcomes.filter((o) => o.status !== 'not-started').length;
  const continuation = counts.notStarted + counts.unknown > 0 && started > 0;
  const clean = !continuation && counts.failed === 0 && guarded.refusals.length === 0 && errors.length === 0;
  // 8. Once converged, forget principals and permission sets that no longer have anything to remove.
  // The per-account reading sees ACTIVE accounts only, so it cannot tell that nothing is left elsewhere.
  if (clean && current.strategy === 'per-principal') {
    const deleted = new Set(outcomes.filter((o) => o.status === 'succeeded' && o.op.kind === 'delete').map((o) => assignmentKey((o.op as { assignment: Assignment }).assignment)));
    const released = releaseScope(scope, configuredPrincipals, configuredPermissionSets, current, desired.assignments, deleted, labels);
    if (!sameState(nextRemembered, released)) {
      await deps.state.write(released).catch((e) => errors.push(`the reconciler state could not be saved (${errorMessage(e)})`));
    }
  }

  const outcome: RunOutcome = continuation ? 'continuing' : !clean || counts.notStarted > 0 ? 'partial' : operations.length === 0 ? 'no-changes' : 'converged';
  return finish(outcome, { ...common, continuation, changes: outcomes.map((o) => namer.operation(o.op, o)) });
}

function usesTags(doc: ConfigDocument): boolean {
  return doc.rules.some((r) => 'tag' in r.target || (r.target.exclude ?? []).some((t) => 'tag' in t));
}

function resolvedPrincipals(principals: ReadonlyMap<string, { value: PrincipalId } | { error: string }>): Map<string, PrincipalId> {
  const result = new Map<string, PrincipalId>();
  for (const r of principals.values()) if ('value' in r) result.set(principalKey(r.value), r.value);
  return result;
}

function parsePrincipalKey(key: string): PrincipalId {
  const [type, ...id] = key.split(':');
  return { principalType: type === 'USER' ? 'USER' : 'GROUP', principalId: id.join(':') };
}

async function findDrift(permissionSets: string[], port: IdentityCenterReadPort, concurrency: number) {
  const outdated: Array<{ permissionSetArn: string; accountId: string }> = [];
  const failures: string[] = [];
  for (const result of await settleLimit(permissionSets, concurrency, (arn) => port.listOutdatedAccounts(arn))) {
    if (result.error !== undefined) failures.push(`checking ${result.item} for provisioning drift failed (${errorMessage(result.error)})`);
    else for (const accountId of result.value!) outdated.push({ permissionSetArn: result.item, accountId });
  }
  return { outdated, failures };
}

function tally(counts: RunCounts, outcomes: OperationOutcome[]): void {
  for (const o of outcomes) {
    if (o.status === 'succeeded') {
      if (o.op.kind === 'create') counts.created++;
      else if (o.op.kind === 'delete') counts.deleted++;
      else counts.provisioned++;
    } else if (o.status === 'failed') {counts.failed++;} else if (o.status === 'unknown') {counts.unknown++;} else {counts.notStarted++;}
  }
}

/** After a clean run, keep only what still has in-scope assignments that are neither wanted nor deleted. */
function releaseScope(
  scope: ManagedScope,
  configuredPrincipals: ReadonlyMap<string, PrincipalId>,
  configuredPermissionSets: ReadonlySet<string>,
  current: CurrentRead,
  desired: ReadonlyMap<string, Assignment>,
  deleted: ReadonlySet<string>,
  labels: Record<string, string>,
): ReconcilerState {
  // Assignments in any account count (a suspended account may come back).
  const owned = (a: Assignment) => scope.principals.has(principalKey(a)) && scope.permissionSets.has(a.permissionSetArn);
  const lingering = [...current.assignments.entries()].filter(([key, a]) => !desired.has(key) && !deleted.has(key) && owned(a)).map(([, a]) => a);
  return remember(
    new Set([...configuredPrincipals.keys(), ...lingering.map(principalKey)]),
    new Set([...configuredPermissionSets, ...lingering.map((a) => a.permissionSetArn)]),
    labels,
  );
}

function remember(principals: ReadonlySet<string>, permissionSets: ReadonlySet<string>, labels: Record<string, string>): ReconcilerState {
  const keys = [...principals, ...permissionSets];
  return {
    principals: [...principals].sort(),
    permissionSets: [...permissionSets].sort(),
    labels: Object.fromEntries(keys.filter((k) => labels[k] !== undefined).sort().map((k) => [k, labels[k]])),
  };
}

function sameState(a: ReconcilerState | undefined, b: ReconcilerState): boolean {
  return !!a && JSON.stringify([a.principals, a.permissionSets, a.labels ?? {}]) === JSON.stringify([b.principals, b.permissionSets, b.labels ?? {}]);
}

/** `GROUP:<id>` → `group Admins` and permission set ARN → name, for what the config names now. */
function currentLabels(doc: ConfigDocument, refs: ResolvedReferences): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [name, r] of refs.permissionSets) if ('value' in r) labels[r.value] = name;
  for (const rule of doc.rules) {
    const r = refs.principals.get(principalLookupKey(rule.principal, doc.options.groupNameSuffix));
    if (r && 'value' in r) labels[principalKey(r.value)] = describePrincipal(rule.principal);
  }
  return labels;
}
