import { DesiredState, computeDesired } from './desired';
import { Observation } from './gather';
import { GuardFacts, Guarded, guardPlan } from './guard';
import { Labels, currentLabels } from './labels';
import { ReconcilerState, remember, sameState } from './memory';
import { Plan, planChanges } from './plan';
import { eligibility } from './scope';

/** What a run should do, decided from what it observed alone. */
export interface Decision {
  readonly dryRun: boolean;
  /** An apply run of a document that is not a dry run: the only kind that writes. */
  readonly writes: boolean;
  readonly desired: DesiredState;
  /** The plan before the guard: what the rules ask for. */
  readonly plan: Plan;
  readonly guardFacts: GuardFacts;
  /** The plan the guard lets through, and why it refused what it did. */
  readonly guarded: Guarded;
  /** Resolution errors and failed reads, for the report. */
  readonly errors: string[];
  readonly labels: Labels;
  /** The state to save before any write, so that what is created now can always be removed later; unset when unchanged or unreadable. */
  readonly stateToSave?: ReconcilerState;
}

/** Pure: desired state, plan, guard and the state to remember, from one observation. */
export function decide(observed: Observation, mode: 'plan' | 'apply'): Decision {
  const { document, index, refs, scope, current, drift, remembered, stateError } = observed;
  const desired = computeDesired(document, index, refs, eligibility(document.options.managementAccountId));
  const plan = planChanges(desired.assignments, current, scope, drift.outdated);
  const incompleteBecause = [...(stateError ? [stateError] : []), ...desired.errors, ...current.failures];
  const guardFacts: GuardFacts = {
    incompleteBecause,
    ruleCount: document.rules.length,
    desiredCount: desired.assignments.size,
    maxDeletionsPerRun: document.options.maxDeletionsPerRun,
  };
  const labels = { ...remembered?.labels, ...currentLabels(document, refs) };
  const next = remember(scope.principals, scope.permissionSets, labels);
  const dryRun = document.options.dryRun;
  return {
    dryRun,
    writes: mode === 'apply' && !dryRun,
    desired,
    plan,
    guardFacts,
    guarded: guardPlan(plan, guardFacts),
    errors: [...incompleteBecause, ...drift.failures],
    labels,
    // An unreadable state is never overwritten: that would forget what it holds.
    stateToSave: stateError === undefined && !sameState(remembered, next) ? next : undefined,
  };
}
