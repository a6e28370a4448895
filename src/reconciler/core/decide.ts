import { DeletionBlocks, deletionBlocks } from './blocking';
import { ClaimsDocument, Contest, nextClaims } from './claims';
import { DesiredState, computeDesired } from './desired';
import { Observation } from './gather';
import { GuardFacts, Guarded, guardPlan } from './guard';
import { Labels, Namer, currentLabels } from './labels';
import { ReconcilerState, remember, sameState } from './memory';
import { Assignment, assignmentKey, pairKey, parsePairKey, parsePrincipalKey } from './model';
import { Plan, planChanges } from './plan';
import { eligibility } from './scope';

/** The guard settings, from the function's configuration (never from the editable document). */
export interface GuardSettings {
  /** Plan and report only. */
  readonly dryRun: boolean;
  /** Above this many deletions in one run, the deletions are refused and reported. */
  readonly maxDeletionsPerRun: number;
}

/** What a run should do, decided from what it observed alone. */
export interface Decision {
  readonly dryRun: boolean;
  /** An apply run that is not a dry run: the only kind that writes. */
  readonly writes: boolean;
  readonly desired: DesiredState;
  /** The plan before the guard: what the rules ask for, less what AWS would refuse. */
  readonly plan: Plan;
  readonly guardFacts: GuardFacts;
  /** The plan the guard lets through, and why it refused what it did. */
  readonly guarded: Guarded;
  readonly blocks: DeletionBlocks;
  /** Resolution errors, failed reads and work AWS would refuse, for the report. */
  readonly errors: string[];
  /** What operators should know that is not an error: principals released, a migration. */
  readonly notices: string[];
  /** Assignments of principals deleted from the identity store: left in place, no longer managed. */
  readonly orphaned: readonly Assignment[];
  readonly labels: Labels;
  /** The names that resolved, kept to tell a deleted principal from a typo later. */
  readonly names: Readonly<Record<string, string>>;
  /** The state to save before any write, so that what is created now can always be removed later; unset when unchanged or unreadable. */
  readonly stateToSave?: ReconcilerState;
  /** The claims to publish for the neighbours, once the state is saved; unset when unchanged or unknown. */
  readonly claimsToPublish?: ClaimsDocument;
}

/** Pure: desired state, plan, guard and the state to remember, from one observation. */
export function decide(observed: Observation, mode: 'plan' | 'apply', guards: GuardSettings, nowMs: number): Decision {
  const { document, index, refs, scope, current, drift, remembered, stateError, vanished, configured } = observed;
  const desired = computeDesired(document, index, refs, eligibility(document.options.managementAccountId), nowMs);
  const labels = { ...observed.legacy?.labels, ...remembered.labels, ...currentLabels(document, refs) };
  const namer = new Namer(observed.org, labels);
  const blocks = deletionBlocks({
    document, refs, desired, configured, owned: scope.pairs, rememberedNames: remembered.names, vanished, labels, stateError,
  });
  const wanted = planChanges(desired.assignments, current, scope, drift.outdated);
  const reachable = withholdUnreachable(leaveContested(wanted, observed), observed, blocks, namer);
  const claimsError = observed.claims && 'error' in observed.claims ? observed.claims.error : undefined;

  const guardFacts: GuardFacts = {
    // Unknown claims could hide another automation's pair: nothing is deleted until they are read.
    blockAll: claimsError ? [...blocks.all, claimsError] : blocks.all,
    blockedPairs: blocks.pairs,
    ruleCount: document.rules.length,
    desiredCount: desired.assignments.size,
    maxDeletionsPerRun: guards.maxDeletionsPerRun,
    expiring: new Set(expiredDeletions(reachable.plan, desired).keys()),
  };
  // The names that resolved now, and those a rule still uses that resolved before (to a principal
  // deleted since, or renamed): forgetting them would make a deleted group look like a typo.
  const stillUsed = Object.entries(remembered.names).filter(([lookup]) => refs.principals.has(lookup));
  const names = { ...Object.fromEntries(stillUsed), ...configured.names };
  const kept = [...scope.pairs].filter((p) => !blocks.released.has(p));
  const next = remember(kept, names, labels);
  return {
    dryRun: guards.dryRun,
    writes: mode === 'apply' && !guards.dryRun,
    desired,
    plan: reachable.plan,
    guardFacts,
    guarded: guardPlan(reachable.plan, guardFacts),
    blocks,
    errors: [...blocks.all, ...desired.errors, ...current.failures, ...drift.failures, ...reachable.errors],
    notices: [
      ...migrationNotices(observed), ...contestNotices(observed, namer), ...reachable.notices,
      ...(observed.current.notices ?? []), ...(observed.orgNotices ?? []),
    ],
    orphaned: reachable.orphaned,
    labels,
    names,
    // An unreadable state is never overwritten: that would forget what it holds.
    stateToSave: stateError === undefined && !sameState(observed.legacy ? undefined : remembered, next) ? next : undefined,
    claimsToPublish: observed.claims && 'contested' in observed.claims && stateError === undefined
      ? nextClaims(next.pairs, observed.claims.own, observed.claims.automation, observed.claims.nowSeconds)
      : undefined,
  };
}

/**
 * The planned deletions an expiry asks for, by `assignmentKey`, with the expired rules that would
 * grant them. A deletion no expired rule would grant (drift of the same pair elsewhere) is not one.
 * The pair of an expired rule stays configured, hence owned: its assignments are deleted, not
 * forgotten.
 */
export function expiredDeletions(plan: Plan, desired: DesiredState): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const a of plan.deletes) {
    const key = assignmentKey(a);
    const rules = desired.expired.filter((r) => r.grants.has(key)).map((r) => r.index);
    if (rules.length > 0) byKey.set(key, rules);
  }
  return byKey;
}

/** A pair another automation on the instance claimed first is its to manage: neither created nor deleted here. */
function leaveContested(plan: Plan, observed: Observation): Plan {
  const contested = observed.claims && 'contested' in observed.claims ? observed.claims.contested : new Map<string, Contest>();
  if (contested.size === 0) return plan;
  const ours = (a: Assignment) => !contested.has(pairKey(a));
  return { creates: plan.creates.filter(ours), deletes: plan.deletes.filter(ours), provisions: plan.provisions };
}

function contestNotices(observed: Observation, namer: Namer): string[] {
  if (!observed.claims || !('contested' in observed.claims)) return [];
  const byAutomation = new Map<string, string[]>();
  for (const [pair, contest] of observed.claims.contested) {
    const { principal, permissionSetArn } = parsePairKey(pair);
    const list = byAutomation.get(contest.automation) ?? [];
    list.push(`${namer.principal(parsePrincipalKey(principal))} with ${namer.permissionSet(permissionSetArn)} (since ${contest.since})`);
    byAutomation.set(contest.automation, list);
  }
  return [...byAutomation].map(([automation, pairs]) => `${pairs.length} pair(s) this automation's rules name are also claimed by automation `
    + `'${automation}' on this instance, which claimed them first, so they are left to it (neither created nor deleted here): ${pairs.slice(0, 5).join('; ')}`
    + `${pairs.length > 5 ? `; and ${pairs.length - 5} more` : ''}. Remove the rules from one of the two`);
}

interface Withheld {
  readonly plan: Plan;
  readonly errors: string[];
  readonly notices: string[];
  readonly orphaned: Assignment[];
}

/**
 * Takes out of the plan what AWS would refuse, and says why:
 * - deletions of assignments whose principal is gone from the identity store (they end FAILED
 *   "assignee ... not found in directory" and stay listed, granting nothing);
 * - in delegated-admin mode, every write with a permission set provisioned to the management
 *   account, which a delegated administrator may not manage in any account (AccessDeniedException;
 *   userguide/delegated-admin.html).
 */
function withholdUnreachable(plan: Plan, observed: Observation, blocks: DeletionBlocks, namer: Namer): Withheld {
  const { vanished, managementProvisioned } = observed;
  const errors: string[] = [];
  const notices: string[] = [];

  const orphaned = plan.deletes.filter((a) => blocks.released.has(pairKey(a)));
  for (const key of vanished) {
    const held = orphaned.filter((a) => `${a.principalType}:${a.principalId}` === key);
    notices.push(`${namer.principal(parsePrincipalKey(key))} no longer exists in the identity store: it is no longer managed, and its ${held.length} `
      + 'assignment(s) stay listed in Identity Center, where they grant nothing (Identity Center refuses to delete an assignment whose principal is gone)');
  }

  const forbidden = managementProvisioned && 'arns' in managementProvisioned ? managementProvisioned.arns : new Set<string>();
  if (managementProvisioned && 'error' in managementProvisioned) errors.push(managementProvisioned.error);
  const blocked = (arn: string) => forbidden.has(arn);
  const kept: Plan = {
    creates: plan.creates.filter((a) => !blocked(a.permissionSetArn)),
    deletes: plan.deletes.filter((a) => !blocks.released.has(pairKey(a)) && !blocked(a.permissionSetArn)),
    provisions: plan.provisions.filter((p) => !blocked(p.permissionSetArn)),
  };
  for (const arn of forbidden) {
    const count = (list: Array<{ permissionSetArn: string }>) => list.filter((x) => x.permissionSetArn === arn).length;
    const creates = count(plan.creates);
    const deletes = count(plan.deletes);
    const provisions = count(plan.provisions);
    if (creates + deletes + provisions === 0) continue;
    errors.push(`permission set ${namer.permissionSet(arn)} is provisioned to the management account, so a delegated administrator may not manage it in any `
      + `account (Identity Center refuses with AccessDeniedException): ${creates} create(s), ${deletes} deletion(s) and ${provisions} re-provisioning(s) wait; `
      + 'remove its assignments from the management account, or run this automation there');
  }
  return { plan: kept, errors, notices, orphaned };
}

/**
 * The first run on a state table of an automation that kept its state in SSM: the pairs the
 * config names now become owned. The earlier versions managed the cross product of their
 * principals and permission sets, which also covered other tools' pairs; what is not named now is
 * released rather than guessed at, so nothing is deleted on the strength of the old scope.
 */
function migrationNotices(observed: Observation): string[] {
  const legacy = observed.legacy;
  if (!legacy) return [];
  const released = legacy.principals.filter((p) => !observed.configured.principals.has(p));
  const listed = `${released.slice(0, 5).join(', ')}${released.length > 5 ? ', ...' : ''}`;
  return [`the state moved from SSM to the state table: the ${observed.configured.pairs.size} (principal, permission set) pair(s) the config names are owned; `
    + `${released.length} principal(s) the earlier state remembered but no rule names${released.length > 0 ? ` (${listed})` : ''} are released, `
    + 'their assignments left in place'];
}
