import { Assignment, assignmentKey, pairKey } from './model';
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
  /** `assignmentKey`s of deletions an expired rule's instant asks for (nothing else grants them). @default - none */
  readonly expiring?: ReadonlySet<string>;
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
 *
 * Deletions an expiry asks for pass the same guard, with one exception. They need complete
 * information like any other (a blocked pair may still be granted by a rule that did not
 * resolve), and they count toward `maxDeletionsPerRun`: the limit lives in the function's
 * configuration so that no edit of the document gets past it, and an `expires` is part of the
 * document (a hand edit could expire every rule). But a config whose every rule has expired is
 * not "empty by mistake": its rules and their instants were deployed on purpose, so the
 * empty-config refusal does not hold back what the expiries remove.
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
  const expiring = facts.expiring ?? new Set<string>();
  const isExpiring = (a: Assignment) => expiring.has(assignmentKey(a));
  const unintended = deletes.filter((a) => !isExpiring(a));
  if (unintended.length > 0 && (facts.ruleCount === 0 || facts.desiredCount === 0)) {
    refuse('empty-config', unintended.length, `${unintended.length} deletion(s) refused: the config ${facts.ruleCount === 0 ? 'has no rules' : 'selects no assignments'}, `
      + 'which looks like a mistake rather than an intent to remove all access; add a rule or remove assignments deliberately');
    deletes = deletes.filter(isExpiring);
  }
  if (deletes.length > facts.maxDeletionsPerRun) {
    const expired = deletes.filter(isExpiring).length;
    refuse('deletion-limit', deletes.length, `${deletes.length} deletion(s) refused: more than maxDeletionsPerRun (${facts.maxDeletionsPerRun})`
      + `${expired > 0 ? `, ${expired} of them of rules past their expiry` : ''}; check the plan, then raise the limit for one deploy if it is intended`);
    deletes = [];
  }
  return { plan: { ...plan, deletes }, refusals };
}

function summarize(reasons: readonly string[]): string {
  return `${reasons.slice(0, 5).join('; ')}${reasons.length > 5 ? `; and ${reasons.length - 5} more` : ''}`;
}
