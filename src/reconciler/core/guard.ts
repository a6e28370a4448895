import { Plan } from './plan';

export type RefusalReason = 'incomplete-information' | 'empty-config' | 'deletion-limit';

export interface Refusal {
  readonly reason: RefusalReason;
  readonly message: string;
  readonly deletionsRefused: number;
}

export interface GuardFacts {
  /** Why the desired or current state is not known completely; empty when it is. */
  readonly incompleteBecause: string[];
  readonly ruleCount: number;
  readonly desiredCount: number;
  readonly maxDeletionsPerRun: number;
}

/**
 * Deletions happen only on complete information, never from an empty config, and never more than
 * the circuit breaker allows. Creates are never refused: granting what the rules say is always safe.
 */
/** The plan the guard lets through, and its refusals. */
export interface Guarded {
  readonly plan: Plan;
  readonly refusals: Refusal[];
}

export function guardPlan(plan: Plan, facts: GuardFacts): Guarded {
  const deletions = plan.deletes.length;
  if (deletions === 0) return { plan, refusals: [] };
  const refuse = (reason: RefusalReason, message: string) => ({
    plan: { ...plan, deletes: [] },
    refusals: [{ reason, message, deletionsRefused: deletions }],
  });

  if (facts.incompleteBecause.length > 0) {
    return refuse('incomplete-information', `${deletions} deletion(s) refused: the desired or current state is incomplete (${facts.incompleteBecause.slice(0, 5).join('; ')}${facts.incompleteBecause.length > 5 ? `; and ${facts.incompleteBecause.length - 5} more` : ''})`);
  }
  if (facts.ruleCount === 0 || facts.desiredCount === 0) {
    return refuse('empty-config', `${deletions} deletion(s) refused: the config ${facts.ruleCount === 0 ? 'has no rules' : 'selects no assignments'}, which looks like a mistake rather than an intent to remove all access; add a rule or remove assignments deliberately`);
  }
  if (deletions > facts.maxDeletionsPerRun) {
    return refuse('deletion-limit', `${deletions} deletion(s) refused: more than maxDeletionsPerRun (${facts.maxDeletionsPerRun}); check the plan, then raise the limit for one deploy if it is intended`);
  }
  return { plan, refusals: [] };
}
