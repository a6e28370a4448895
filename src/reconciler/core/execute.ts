import { OperationOutcome, applyOperations } from './apply';
import { nextClaims } from './claims';
import { errorMessage } from './concurrency';
import { Decision } from './decide';
import { Observation } from './gather';
import { Guarded, guardPlan } from './guard';
import { ReconcilerState, release, sameState } from './memory';
import { Assignment, assignmentKey, pairKey } from './model';
import { toOperations } from './plan';
import { ClaimsPort, Clock, IdentityCenterWritePort, StatePort } from './ports';
import { tallyOutcomes } from './report';

export interface ReconcileLog {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
}

export interface ExecuteDeps {
  readonly state: StatePort;
  readonly clock: Clock;
  readonly log: ReconcileLog;
  readonly limits: {
    /** Asynchronous writes in flight (Identity Center allows 15). */
    readonly maxOutstanding: number;
    /** The client's Identity Center request rate, which starts and status reads share. @default - not known to the scheduler */
    readonly identityCenterRequestsPerSecond?: number;
  };
  /** The Lambda's clock: when to stop starting work and when to stop waiting for it. */
  readonly time: { shouldStop(): boolean; drainDeadline(): number };
}

/** What a run did. */
export interface Execution {
  /** The plan as finally guarded: a state that could not be saved refuses every deletion. */
  readonly guarded: Guarded;
  readonly outcomes: OperationOutcome[];
  /** Problems of this stage (state writes, time), for the report. */
  readonly errors: string[];
  /** What applying learnt that the report should say. @default none */
  readonly notices?: string[];
  /** The run stopped for time after making progress; a follow-up invocation continues it. */
  readonly continuation: boolean;
  /** Nothing failed, was refused, left for later or reported as an error. */
  readonly clean: boolean;
}

/**
 * Carries a decision out: remembers the owned pairs before any write, applies the guarded plan
 * under the quotas, and once converged forgets the pairs that no longer need remembering. A run
 * that does not write (plan mode, dry run) only reports the guard's refusals.
 */
export async function execute(
  decision: Decision, observed: Observation, port: IdentityCenterWritePort, deps: ExecuteDeps, claims?: ClaimsPort,
): Promise<Execution> {
  const errors: string[] = [];
  let guarded = decision.guarded;
  let stateSaved = true;
  if (decision.writes && decision.stateToSave) {
    await deps.state.write(decision.stateToSave).catch((e) => {
      stateSaved = false;
      // What is not remembered could never be removed later: no deletion, and no create of a pair not saved before.
      const reason = `the reconciler state could not be saved (${errorMessage(e)})`;
      errors.push(reason);
      const saved = new Set(observed.remembered.pairs);
      const refused = guardPlan(decision.plan, { ...decision.guardFacts, blockAll: [...decision.guardFacts.blockAll, reason] });
      guarded = { ...refused, plan: { ...refused.plan, creates: refused.plan.creates.filter((a) => saved.has(pairKey(a))) } };
    });
  }
  // Claims follow the state: published only what the state holds, so a neighbour never defers to a claim we could forget.
  if (decision.writes && stateSaved && decision.claimsToPublish && claims) {
    await claims.publish(decision.claimsToPublish).catch((e) => errors.push(`this automation's claims could not be published (${errorMessage(e)}); the next run tries again`));
  }
  for (const refusal of guarded.refusals) deps.log.warn('deletions refused', { reason: refusal.reason, message: refusal.message });
  if (!decision.writes) return { guarded, outcomes: [], errors, continuation: false, clean: false };

  const operations = toOperations(guarded.plan);
  deps.log.info('applying', { creates: guarded.plan.creates.length, deletes: guarded.plan.deletes.length, provisions: guarded.plan.provisions.length });
  if (operations.length > 0 && deps.time.shouldStop()) {
    errors.push('reading the organization and the assignments took the whole run; nothing was applied. Raise the function\'s timeout or the read rates');
  }
  const notices: string[] = [];
  const outcomes = operations.length === 0 ? [] : await applyOperations(operations, port, {
    maxOutstanding: deps.limits.maxOutstanding,
    requestsPerSecond: deps.limits.identityCenterRequestsPerSecond,
    clock: deps.clock,
    shouldStop: deps.time.shouldStop,
    drainDeadline: deps.time.drainDeadline,
    // A create taken for succeeded on the listings' word is checked by the next run's per-principal reading;
    // per-account readings would keep the word instead (they record this run's writes), so there every outcome is described.
    inferSucceeded: observed.current.strategy === 'per-principal' ? ['create'] : [],
    onNotice: (message) => notices.push(message),
  });

  const tally = tallyOutcomes(outcomes);
  // A follow-up run only helps when this one made progress; otherwise the schedule takes over.
  const started = outcomes.length - tally.notStarted;
  const continuation = tally.notStarted + tally.unknown > 0 && started > 0;
  const clean = !continuation && tally.failed === 0 && guarded.refusals.length === 0 && decision.errors.length + errors.length === 0;
  // Once converged, forget the pairs that no longer have anything to remove. The per-account
  // reading sees ACTIVE accounts only, so it cannot tell that nothing is left elsewhere.
  if (clean && observed.current.strategy === 'per-principal') {
    const released = await forgetReleased(decision, observed, outcomes, deps.state)
      .catch((e) => { errors.push(`the reconciler state could not be saved (${errorMessage(e)})`); return undefined; });
    // A pair let go is a claim withdrawn: a neighbour that deferred to it may take it over now.
    const known = observed.claims && 'contested' in observed.claims ? observed.claims : undefined;
    const withdrawn = released && known && nextClaims(released.pairs, decision.claimsToPublish ?? known.own, known.automation, known.nowSeconds);
    if (withdrawn && claims) {
      await claims.publish(withdrawn).catch((e) => errors.push(`this automation's claims could not be published (${errorMessage(e)}); the next run tries again`));
    }
  }
  return { guarded, outcomes, errors, notices, continuation, clean };
}

/** The state with the pairs that no longer hold anything forgotten, when that changed it. */
async function forgetReleased(
  decision: Decision, observed: Observation, outcomes: OperationOutcome[], state: StatePort,
): Promise<ReconcilerState | undefined> {
  const deleted = new Set(outcomes
    .filter((o) => o.status === 'succeeded' && o.op.kind === 'delete')
    .map((o) => assignmentKey((o.op as { assignment: Assignment }).assignment)));
  const released = release({
    owned: observed.scope.pairs,
    configuredPairs: observed.configured.pairs,
    current: observed.current,
    desired: decision.desired.assignments,
    deleted,
    releasedPairs: decision.blocks.released,
    names: decision.names,
    labels: decision.labels,
  });
  const saved = decision.stateToSave ?? observed.remembered;
  if (sameState(saved, released)) return undefined;
  await state.write(released);
  return released;
}
