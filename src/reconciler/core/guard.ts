import { pairKey } from './model';
import { Plan } from './plan';

export type RefusalReason = 'incomplete-information' | 'empty-config' | 'deletion-limit';

export interface Refusal {
  readonly reason: RefusalReason;
  readonly message: string;
  readonly deletionsRefused: number;
}

export interface GuardFacts {
  /** Why no deletion may happen at all this run; empty when none. */
  readonly blockAll: string[];
  /** `pairKey` → why that pair's desired or current state is not known completely. */
  readonly blockedPairs: ReadonlyMap<string, string[]>;
  readonly ruleCount: number;
  readonly desiredCount: number;
  readonly maxDeletionsPerRun: number;
}

/** The plan the guard lets through, and its refusals. */
export interface Guarded {
  readonly plan: Plan;
  readonly refusals: Refusal[];
}

/**
 * Deletions happen only on complete information (pair by pair), never from an empty config, and
 * never more than the circuit breaker allows. Creates are never refused: granting what the rules
 * say is always safe.
 */
export function guardPlan(plan: Plan, facts: GuardFacts): Guarded {
  if (plan.deletes.length === 0) return { plan, refusals: [] };
  const refusals: Refusal[] = [];
  const refuse = (reason: RefusalReason, count: number, message: string) => refusals.push({ reason, message, deletionsRefused: count });

  if (facts.blockAll.length > 0) {
    refuse('incomplete-information', plan.deletes.length,
      `${plan.deletes.length} deletion(s) refused: the current or desired state is incomplete (${summarize(facts.blockAll)})`);
    return { plan: { ...plan, deletes: [] }, refusals };
  }
  const blocked = plan.deletes.filter((a) => facts.blockedPairs.has(pairKey(a)));
  let deletes = plan.deletes.filter((a) => !facts.blockedPairs.has(pairKey(a)));
  if (blocked.length > 0) {
    const reasons = [...new Set(blocked.flatMap((a) => facts.blockedPairs.get(pairKey(a))!))];
    refuse('incomplete-information', blocked.length,
      `${blocked.length} deletion(s) refused: the desired state of their principal and permission set is incomplete (${summarize(reasons)})`);
  }
  if (deletes.length > 0 && (facts.ruleCount === 0 || facts.desiredCount === 0)) {
    refuse('empty-config', deletes.length, `${deletes.length} deletion(s) refused: the config ${facts.ruleCount === 0 ? 'has no rules' : 'selects no assignments'}, `
      + 'which looks like a mistake rather than an intent to remove all access; add a rule or remove assignments deliberately');
    deletes = [];
  }
  if (deletes.length > facts.maxDeletionsPerRun) {
    refuse('deletion-limit', deletes.length, `${deletes.length} deletion(s) refused: more than maxDeletionsPerRun (${facts.maxDeletionsPerRun}); `
      + 'check the plan, then raise the limit for one deploy if it is intended');
    deletes = [];
  }
  return { plan: { ...plan, deletes }, refusals };
}

function summarize(reasons: readonly string[]): string {
  return `${reasons.slice(0, 5).join('; ')}${reasons.length > 5 ? `; and ${reasons.length - 5} more` : ''}`;
}
