// Access for a new account at once. An account created (CreateAccountResult) or enrolled by Account
// Factory (CreateManagedAccount, UpdateManagedAccount) would otherwise wait for a whole run: at
// 5,000 accounts, reading the organization alone takes a minute at Organizations' 5 requests per
// second. Before the whole run, the run that such an event starts decides those accounts alone,
// from what it can know cheaply and for certain:
// - the OU tree (one call per OU) and the new accounts placed in it (DescribeAccount, ListParents);
// - principals by the names earlier runs resolved (the whole run checks them again);
// - the new accounts' assignments (ListPermissionSetsProvisionedToAccount, then one
//   ListAccountAssignments per owned set provisioned there: none, for a new account).
// It only creates, and only assignments of pairs the state already holds (so that what it creates can
// always be removed later), and never one a neighbour claims or AWS would refuse. Whatever it cannot
// decide for certain (a rule naming an account by name, which another account may share) it leaves
// to the whole run, which follows at once in the same invocation and reports everything.
import { errorMessage, settleLimit } from './concurrency';
import { Decision, GuardSettings, decide } from './decide';
import { ExecuteDeps, execute } from './execute';
import { usesTags, readClaims, readDocument, readManagementProvisioned, GatherDeps, Gathered, Observation } from './gather';
import { EMPTY_STATE } from './memory';
import { Assignment, assignmentKey, pairKey, parsePairKey, principalKey } from './model';
import { OrgIndex, Resolution } from './org-index';
import { IdentityCenterReadPort, IdentityStorePort } from './ports';
import { lookupPrincipal, principalLookupKey, resolveReferences } from './references';
import { RunReport, summarize } from './report';
import { configuredNames, eligibility, managedScope } from './scope';
import { OrgAccount, OrgSnapshot, readAccountsInTree } from './snapshot';
import { PrincipalDocument } from '../config/document';
import { isIdentifier } from '../config/identifiers';

/** What the early pass did for the new accounts: its report, and the assignments it created. */
export type EarlyGrant = { readonly accounts: readonly string[] }
  & ({ readonly report: RunReport; readonly created: readonly Assignment[] } | { readonly skipped: string });

/** The early pass: gather the new accounts, decide as always, keep the creations, apply them. */
export async function grantNewAccounts(
  deps: GatherDeps & ExecuteDeps & { readonly guards: GuardSettings; readonly runId: string }, accounts: readonly string[],
): Promise<EarlyGrant> {
  const startedAt = deps.clock.now();
  const gathered = await gatherNewAccounts(deps, accounts);
  if ('skipped' in gathered) return { accounts, skipped: gathered.skipped };
  if ('stop' in gathered) return { accounts, skipped: gathered.stop.errors.join('; ') };
  const { observation, instance } = gathered;
  const decided = creationsOnly(decide(observation, 'apply', deps.guards, deps.clock.now()), observation);
  const decision = await withConfirmedPrincipals(decided, observation, instance.identityStore, deps.limits.readConcurrency);
  const execution = await execute(decision, observation, instance.identityCenter, deps);
  const created = execution.outcomes.filter((o) => o.status === 'succeeded' && o.op.kind === 'create')
    .map((o) => (o.op as { assignment: Assignment }).assignment);
  const meta = { runId: deps.runId, mode: 'apply' as const, startedAt, finishedAt: deps.clock.now() };
  return { accounts, created, report: summarize(observation, decision, execution, meta) };
}

/**
 * The names earlier runs resolved may have changed since (a group renamed in the IdP keeps its id, a
 * group deleted and created again gets a new one): the principals the creates grant to are looked up
 * again, and a create whose principal a name no longer resolves to is left to the whole run.
 */
async function withConfirmedPrincipals(decision: Decision, observed: Observation, store: IdentityStorePort, concurrency: number): Promise<Decision> {
  const granted = new Set(decision.plan.creates.map(principalKey));
  const suffix = observed.document.options.groupNameSuffix;
  const lookups = new Map<string, PrincipalDocument>();
  for (const rule of observed.document.rules) {
    const key = principalLookupKey(rule.principal, suffix);
    const remembered = observed.remembered.names[key];
    if (remembered !== undefined && granted.has(remembered)) lookups.set(key, rule.principal);
  }
  const unconfirmed = new Set<string>();
  for (const r of await settleLimit([...lookups], concurrency, ([, p]) => lookupPrincipal(p, suffix ?? '', store))) {
    const fresh = r.value && 'value' in r.value ? principalKey(r.value.value) : undefined;
    if (fresh !== observed.remembered.names[r.item[0]]) unconfirmed.add(observed.remembered.names[r.item[0]]);
  }
  if (unconfirmed.size === 0) return decision;
  const plan = { ...decision.plan, creates: decision.plan.creates.filter((a) => !unconfirmed.has(principalKey(a))) };
  return { ...decision, plan, guarded: { plan, refusals: [] } };
}

/** The whole run's report with the early pass's writes in it: counted, listed first, and said. */
export function withEarlyGrant(report: RunReport, early: EarlyGrant): RunReport {
  const named = early.accounts.join(', ');
  if ('skipped' in early) {
    return { ...report, notices: [...report.notices, `new account(s) ${named}: not granted ahead of the whole run (${early.skipped})`] };
  }
  // Only what the early pass did counts: what it could not do, the whole run did (or reports) itself.
  const c = early.report.counts;
  const undone = c.failed + c.unknown + c.notStarted;
  return {
    ...report,
    outcome: report.outcome === 'no-changes' && c.created > 0 ? 'converged' : report.outcome,
    counts: { ...report.counts, creates: report.counts.creates + c.created, created: report.counts.created + c.created },
    changes: [...early.report.changes.filter((ch) => ch.status === 'succeeded'), ...report.changes],
    notices: [...report.notices, `new account(s) ${named}: ${c.created} assignment(s) created ahead of the whole run`
      + `${undone > 0 ? ` (${undone} not done there, left to the whole run)` : ''}`],
  };
}

/**
 * Everything deciding the new accounts needs, read as an `Observation` the ordinary decision takes;
 * or why the early pass is skipped (the whole run then does it all).
 */
export async function gatherNewAccounts(deps: GatherDeps, accountIds: readonly string[]): Promise<Gathered | { readonly skipped: string }> {
  const config = await readDocument(deps.config);
  if ('stop' in config) return config;
  const { document, revision } = config;
  const concurrency = deps.limits.readConcurrency;
  const stored = await deps.state.read().catch((e: unknown) => ({ error: errorMessage(e) }));
  if ('error' in stored) return { skipped: `the reconciler state could not be read (${stored.error})` };
  const remembered = 'state' in stored ? stored.state : EMPTY_STATE;
  if (remembered.pairs.length === 0) return { skipped: 'no assignment rule was applied before' };

  let org: OrgSnapshot;
  try {
    org = await readAccountsInTree(deps.organizations, accountIds, concurrency);
    if (usesTags(document)) {
      const read = await settleLimit([...org.accounts.keys()], concurrency, (id) => deps.organizations.listAccountTags(id));
      const failed = read.find((r) => r.error !== undefined);
      if (failed) throw failed.error;
      const readAt = deps.clock.now();
      await deps.tagCache?.saveTagReadings(read.map((r) => ({ accountId: r.item, tags: r.value!, readAt }))).catch(() => undefined);
      org = { ...org, tags: new Map(read.map((r) => [r.item, r.value!])) };
    }
  } catch (e) {
    return { skipped: `the new accounts could not be read (${errorMessage(e)})` };
  }
  const instance = deps.connect(document);
  const refs = await resolveReferences(document, instance.identityStore, instance.identityCenter, concurrency, remembered.names);
  const configured = configuredNames(document, refs);
  const scope = managedScope(configured.pairs, remembered.pairs, org, eligibility(document.options.managementAccountId));
  const current = await readAccountsNow(scope.pairs, [...scope.plannableAccounts], instance.identityCenter, concurrency);
  const claims = await readClaims(instance, [...scope.pairs], deps.clock.now());
  const managementProvisioned = await readManagementProvisioned(document, instance.identityCenter);
  const observation: Observation = {
    document,
    revision,
    remembered,
    org,
    index: new NewAccountsIndex(org),
    refs,
    configured,
    scope,
    current,
    drift: { outdated: [], failures: [] },
    vanished: new Set(),
    managementProvisioned,
    claims,
  };
  return { observation, instance };
}

/**
 * The ordinary decision cut down to what the early pass may do: create, in the new accounts, the
 * assignments of pairs the state already holds. No deletion, no re-provisioning, no state or claims
 * written (the whole run that follows does those), and nothing to report but what it applies.
 */
export function creationsOnly(decision: Decision, observed: Observation): Decision {
  const held = new Set(observed.remembered.pairs);
  const plan = { creates: decision.guarded.plan.creates.filter((a) => held.has(pairKey(a))), deletes: [], provisions: [] };
  return {
    ...decision, plan, guarded: { plan, refusals: [] }, errors: [], notices: [], orphaned: [], stateToSave: undefined, claimsToPublish: undefined,
  };
}

/**
 * The organization as far as the new accounts go: an account reference that is not one of them is
 * an account elsewhere (which selects none of them); one by name is left to the whole run, because
 * another account outside this snapshot may have the same name (the whole run reports it ambiguous).
 */
class NewAccountsIndex extends OrgIndex {
  resolveAccount(ref: string): Resolution<OrgAccount> {
    const resolved = super.resolveAccount(ref);
    if ('value' in resolved) {
      return isIdentifier('accountId', ref) ? resolved : { error: `account '${ref}' is named, not numbered: the whole run resolves it` };
    }
    return { value: { id: `elsewhere:${ref}`, name: ref, status: 'ELSEWHERE', parentId: '' } };
  }
}

/** The owned pairs' assignments in a few accounts: only the owned sets provisioned there can have any. */
async function readAccountsNow(
  owned: ReadonlySet<string>, accounts: string[], port: IdentityCenterReadPort, concurrency: number,
): Promise<Observation['current']> {
  const ownedSets = new Set([...owned].map((p) => parsePairKey(p).permissionSetArn));
  const failures: string[] = [];
  const targets: Array<{ accountId: string; permissionSetArn: string }> = [];
  for (const r of await settleLimit(accounts, concurrency, (id) => port.listPermissionSetsProvisionedToAccount(id))) {
    if (r.error !== undefined) failures.push(`reading the permission sets provisioned to ${r.item} failed (${errorMessage(r.error)})`);
    else for (const arn of r.value!) if (ownedSets.has(arn)) targets.push({ accountId: r.item, permissionSetArn: arn });
  }
  const assignments = new Map<string, Assignment>();
  for (const r of await settleLimit(targets, concurrency, (t) => port.listAssignments(t.accountId, t.permissionSetArn))) {
    if (r.error !== undefined) {
      failures.push(`reading assignments of ${r.item.permissionSetArn} in ${r.item.accountId} failed (${errorMessage(r.error)})`);
      continue;
    }
    for (const principal of r.value!) {
      const a: Assignment = { ...principal, ...r.item };
      if (owned.has(pairKey(a))) assignments.set(assignmentKey(a), a);
    }
  }
  // Anything unread: nobody's state there is known, so nothing is planned.
  const unreadPrincipals = failures.length > 0 ? new Set([...owned].map((p) => parsePairKey(p).principal)) : new Set<string>();
  return { assignments, unreadPrincipals, failures, foreign: 0, strategy: 'per-account' };
}
