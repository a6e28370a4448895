import { DesiredState, computeDesired } from './desired';
import { Observation } from './gather';
import { GuardFacts, Guarded, guardPlan } from './guard';
import { Labels, Namer, currentLabels } from './labels';
import { ReconcilerState, remember, sameState } from './memory';
import { Assignment, parsePrincipalKey, principalKey } from './model';
import { Plan, planChanges } from './plan';
import { eligibility } from './scope';

/** What a run should do, decided from what it observed alone. */
export interface Decision {
  readonly dryRun: boolean;
  /** An apply run of a document that is not a dry run: the only kind that writes. */
  readonly writes: boolean;
  readonly desired: DesiredState;
  /** The plan before the guard: what the rules ask for, less what AWS would refuse. */
  readonly plan: Plan;
  readonly guardFacts: GuardFacts;
  /** The plan the guard lets through, and why it refused what it did. */
  readonly guarded: Guarded;
  /** Resolution errors, failed reads and work AWS would refuse, for the report. */
  readonly errors: string[];
  /** What operators should know that is not an error: principals released, assignments left orphaned. */
  readonly notices: string[];
  /** Assignments of principals deleted from the identity store: left in place, no longer managed. */
  readonly orphaned: readonly Assignment[];
  readonly labels: Labels;
  /** The state to save before any write, so that what is created now can always be removed later; unset when unchanged or unreadable. */
  readonly stateToSave?: ReconcilerState;
}

/** Pure: desired state, plan, guard and the state to remember, from one observation. */
export function decide(observed: Observation, mode: 'plan' | 'apply'): Decision {
  const { document, index, refs, scope, current, drift, remembered, stateError, vanished } = observed;
  const desired = computeDesired(document, index, refs, eligibility(document.options.managementAccountId));
  const labels = { ...remembered?.labels, ...currentLabels(document, refs) };
  const namer = new Namer(observed.org, labels);
  const wanted = planChanges(desired.assignments, current, scope, drift.outdated);
  const reachable = withholdUnreachable(wanted, observed, namer);

  const incompleteBecause = [...(stateError ? [stateError] : []), ...desired.errors, ...current.failures];
  const guardFacts: GuardFacts = {
    incompleteBecause,
    ruleCount: document.rules.length,
    desiredCount: desired.assignments.size,
    maxDeletionsPerRun: document.options.maxDeletionsPerRun,
  };
  // Vanished principals are released: nothing can be done with their assignments any more.
  const next = remember(new Set([...scope.principals].filter((p) => !vanished.has(p))), scope.permissionSets, labels);
  const dryRun = document.options.dryRun;
  return {
    dryRun,
    writes: mode === 'apply' && !dryRun,
    desired,
    plan: reachable.plan,
    guardFacts,
    guarded: guardPlan(reachable.plan, guardFacts),
    errors: [...incompleteBecause, ...drift.failures, ...reachable.errors],
    notices: reachable.notices,
    orphaned: reachable.orphaned,
    labels,
    // An unreadable state is never overwritten: that would forget what it holds.
    stateToSave: stateError === undefined && !sameState(remembered, next) ? next : undefined,
  };
}

/**
 * Takes out of the plan what AWS would refuse, and says why:
 * - deletions of assignments whose principal is gone from the identity store (they end FAILED
 *   "assignee ... not found in directory" and stay listed, granting nothing);
 * - in delegated-admin mode, every write with a permission set provisioned to the management
 *   account, which a delegated administrator may not manage in any account (AccessDeniedException;
 *   userguide/delegated-admin.html).
 */
interface Withheld {
  readonly plan: Plan;
  readonly errors: string[];
  readonly notices: string[];
  readonly orphaned: Assignment[];
}

function withholdUnreachable(plan: Plan, observed: Observation, namer: Namer): Withheld {
  const { vanished, managementProvisioned } = observed;
  const errors: string[] = [];
  const notices: string[] = [];

  const orphaned = plan.deletes.filter((a) => vanished.has(principalKey(a)));
  for (const key of vanished) {
    const held = orphaned.filter((a) => principalKey(a) === key);
    const principal = namer.principal(held[0] ?? parsePrincipalKey(key));
    notices.push(`${principal} no longer exists in the identity store: it is no longer managed, and its ${held.length} assignment(s) stay listed in `
      + 'Identity Center, where they grant nothing (Identity Center refuses to delete an assignment whose principal is gone)');
  }

  const forbidden = managementProvisioned && 'arns' in managementProvisioned ? managementProvisioned.arns : new Set<string>();
  if (managementProvisioned && 'error' in managementProvisioned) errors.push(managementProvisioned.error);
  const blocked = (arn: string) => forbidden.has(arn);
  const kept: Plan = {
    creates: plan.creates.filter((a) => !blocked(a.permissionSetArn)),
    deletes: plan.deletes.filter((a) => !vanished.has(principalKey(a)) && !blocked(a.permissionSetArn)),
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
