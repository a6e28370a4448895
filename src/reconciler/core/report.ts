import { OperationOutcome } from './apply';
import { Decision, expiredDeletions } from './decide';
import { Execution } from './execute';
import { Observation, Stop } from './gather';
import { Refusal } from './guard';
import { ChangeLine, Namer } from './labels';
import { assignmentKey } from './model';
import { Operation, toOperations } from './plan';
import { describeExpiry, describeRule } from '../config/describe';

export type RunOutcome =
  | 'busy'
  | 'no-changes'
  | 'converged'
  | 'planned'
  | 'partial'
  | 'continuing'
  | 'invalid-config'
  | 'no-config'
  | 'inconsistent-config'
  | 'failed';

export interface RunCounts {
  rules: number;
  accounts: number;
  desired: number;
  current: number;
  foreign: number;
  creates: number;
  deletes: number;
  provisions: number;
  created: number;
  deleted: number;
  provisioned: number;
  failed: number;
  unknown: number;
  notStarted: number;
  deletionsRefused: number;
  /** Assignments of principals deleted from the identity store, left in place and no longer managed. */
  orphaned: number;
  /** Of `deletes`, those of assignments only rules past their `expires` would grant (each named in `notices`). */
  expired: number;
}

export interface RunReport {
  readonly runId: string;
  readonly mode: 'plan' | 'apply';
  readonly dryRun: boolean;
  readonly outcome: RunOutcome;
  readonly configRevision?: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly counts: RunCounts;
  readonly changes: ChangeLine[];
  readonly refusals: Refusal[];
  /** Resolution errors, failed reads and the reason a run failed. */
  readonly errors: string[];
  /** What changed in what the reconciler manages, that is not an error (a principal released). */
  readonly notices: string[];
  readonly readStrategy?: 'per-principal' | 'per-account';
  /** True when the run stopped for time and a follow-up invocation continues it. */
  readonly continuation: boolean;
  /** API calls by `service:Operation`, filled in by the handler. */
  apiCalls?: Record<string, number>;
}

/** How the operations of a run ended, counted. */
export interface OutcomeTally {
  readonly created: number;
  readonly deleted: number;
  readonly provisioned: number;
  readonly failed: number;
  readonly unknown: number;
  readonly notStarted: number;
}

export function tallyOutcomes(outcomes: readonly OperationOutcome[]): OutcomeTally {
  const count = (test: (o: OperationOutcome) => boolean) => outcomes.filter(test).length;
  const succeeded = (kind: string) => (o: OperationOutcome) => o.status === 'succeeded' && o.op.kind === kind;
  return {
    created: count(succeeded('create')),
    deleted: count(succeeded('delete')),
    provisioned: count(succeeded('provision')),
    failed: count((o) => o.status === 'failed'),
    unknown: count((o) => o.status === 'unknown'),
    notStarted: count((o) => o.status === 'not-started'),
  };
}

export function emptyCounts(): RunCounts {
  return {
    rules: 0,
    accounts: 0,
    desired: 0,
    current: 0,
    foreign: 0,
    creates: 0,
    deletes: 0,
    provisions: 0,
    created: 0,
    deleted: 0,
    provisioned: 0,
    failed: 0,
    unknown: 0,
    notStarted: 0,
    deletionsRefused: 0,
    orphaned: 0,
    expired: 0,
  };
}

/** When and how a run was started, for the report's header. */
export interface RunMeta {
  readonly runId: string;
  readonly mode: 'plan' | 'apply';
  readonly startedAt: number;
  readonly finishedAt: number;
}

function header(meta: RunMeta) {
  return { runId: meta.runId, mode: meta.mode, startedAt: new Date(meta.startedAt).toISOString(), durationMs: meta.finishedAt - meta.startedAt };
}

/** The report of a run that found another run holding the lease: it did nothing. */
export function summarizeBusy(meta: RunMeta): RunReport {
  return {
    ...header(meta),
    dryRun: false,
    outcome: 'busy',
    counts: emptyCounts(),
    changes: [],
    refusals: [],
    errors: ['another run holds the run lease; this one did nothing (the queue retries it)'],
    notices: [],
    continuation: false,
  };
}

/** The report of a run that stopped before deciding: nothing was changed. */
export function summarizeStop(stop: Stop, dryRun: boolean, meta: RunMeta): RunReport {
  return {
    ...header(meta),
    dryRun,
    outcome: stop.outcome,
    configRevision: stop.revision,
    counts: { ...emptyCounts(), rules: stop.document?.rules.length ?? 0 },
    changes: [],
    refusals: [],
    errors: stop.errors,
    notices: [],
    continuation: false,
  };
}

/** The report of a run, every count derived from what the stages returned. */
export function summarize(observed: Observation, decision: Decision, executed: Execution, meta: RunMeta): RunReport {
  const { guarded, outcomes } = executed;
  const tally = tallyOutcomes(outcomes);
  const expiring = expiredDeletions(guarded.plan, decision.desired);
  const counts: RunCounts = {
    rules: observed.document.rules.length,
    accounts: observed.org.accounts.size,
    desired: decision.desired.assignments.size,
    current: observed.current.assignments.size,
    foreign: observed.current.foreign,
    creates: guarded.plan.creates.length,
    deletes: guarded.plan.deletes.length,
    provisions: guarded.plan.provisions.length,
    ...tally,
    deletionsRefused: guarded.refusals.reduce((n, r) => n + r.deletionsRefused, 0),
    orphaned: decision.orphaned.length,
    expired: expiring.size,
  };
  const namer = new Namer(observed.org, decision.labels);
  const common = {
    ...header(meta),
    dryRun: decision.dryRun,
    configRevision: observed.revision,
    counts,
    refusals: guarded.refusals,
    errors: [...decision.errors, ...executed.errors],
    notices: [...decision.notices, ...expiryNotices(observed, decision, expiring, decision.writes ? outcomes : undefined), ...executed.notices ?? []],
    readStrategy: observed.current.strategy,
  };
  if (!decision.writes) {
    const planned = toOperations(guarded.plan).map((op) => markExpired(namer.operation(op), op, expiring, observed));
    const refusedAll = decision.plan.deletes.length > 0 && guarded.plan.deletes.length === 0;
    const refused = refusedAll ? decision.plan.deletes.map((a) => ({ ...namer.assignment('delete', a), status: 'not-started' as const, reason: 'refused' })) : [];
    return { ...common, outcome: 'planned', continuation: false, changes: [...planned, ...refused] };
  }
  // A per-account reading that did not finish goes on in a follow-up invocation, as long as it progresses.
  // So do account tags still to read.
  const reading = observed.current.incomplete;
  const tags = observed.tagsIncomplete;
  const continuation = executed.continuation || (reading !== undefined && reading.read > 0) || (tags !== undefined && tags.read > 0);
  const outcome: RunOutcome = continuation ? 'continuing'
    : !executed.clean || tally.notStarted > 0 || reading !== undefined || tags !== undefined ? 'partial'
      : outcomes.length === 0 ? 'no-changes' : 'converged';
  return { ...common, outcome, continuation, changes: outcomes.map((o) => markExpired(namer.operation(o.op, o), o.op, expiring, observed)) };
}

/** A deletion an expiry asks for says which rule expired, on its change line and so in its change event. */
function markExpired(line: ChangeLine, op: Operation, expiring: ReadonlyMap<string, number[]>, observed: Observation): ChangeLine {
  const rules = op.kind === 'delete' ? expiring.get(assignmentKey(op.assignment)) : undefined;
  if (!rules) return line;
  const describe = (index: number) => {
    const rule = observed.document.rules[index];
    return `${describeRule(rule, index)} expired at ${describeExpiry(rule.expires!)}`;
  };
  return { ...line, expired: rules.map(describe).join('; ') };
}

/**
 * One line per expired rule whose assignments this run removes (or, planning, would remove):
 * `rule 2 (group Contractors -> Developer @ ou Root/Dev) expired at 2026-12-31T00:00:00.000Z: 3 assignment(s) removed`.
 * An assignment two expired rules would grant counts under each.
 */
function expiryNotices(
  observed: Observation, decision: Decision, expiring: ReadonlyMap<string, number[]>, outcomes: readonly OperationOutcome[] | undefined,
): string[] {
  const succeeded = outcomes && new Set(outcomes
    .filter((o) => o.status === 'succeeded' && o.op.kind === 'delete')
    .map((o) => assignmentKey((o.op as { assignment: Parameters<typeof assignmentKey>[0] }).assignment)));
  return decision.desired.expired.flatMap(({ index, expires }) => {
    const keys = [...expiring].filter(([, rules]) => rules.includes(index)).map(([key]) => key);
    if (keys.length === 0) return [];
    const rule = `${describeRule(observed.document.rules[index], index)} expired at ${describeExpiry(expires)}`;
    if (!succeeded) return [`${rule}: ${keys.length} assignment(s) to remove`];
    const removed = keys.filter((k) => succeeded.has(k)).length;
    return [`${rule}: ${removed} assignment(s) removed${removed < keys.length ? `, ${keys.length - removed} not (see changes)` : ''}`];
  });
}
