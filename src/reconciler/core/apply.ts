import { Operation, operationTarget } from './plan';
import { Clock, IdentityCenterWritePort, OperationKind, OperationStatus, WriteError } from './ports';

export interface ApplyOptions {
  /** Asynchronous operations kept in flight; Identity Center allows 15 outstanding writes. */
  readonly maxOutstanding: number;
  readonly clock: Clock;
  /** True once the run must start nothing new (the Lambda is running out of time). */
  readonly shouldStop: () => boolean;
  /** Absolute time after which in-flight operations are no longer waited for. */
  readonly drainDeadline: () => number;
  /** Attempts to start one operation through conflicts, throttling and faults. @default 8 */
  readonly maxAttempts?: number;
  /** Times an operation that ended FAILED for a transient reason is tried again within the run. @default 3 */
  readonly maxFailedRetries?: number;
  /**
   * First guess of how long an operation takes, refined by observation. Low on purpose: until the
   * first completions are seen, the guess grows with the age of the oldest operation in flight.
   * @default 250
   */
  readonly initialLatencyMs?: number;
  /**
   * The client's request rate to Identity Center (per second of `clock`), which starts and status
   * reads share. The poller spaces its listings so that, with the reads every operation needs, the
   * rate and the outstanding cap bind together. @default - no budget: a listing every sixteenth of the typical latency
   */
  readonly requestsPerSecond?: number;
  /**
   * Kinds whose success may be inferred from the listings (with `listFailed` on the port): an
   * operation gone from two IN_PROGRESS listings and absent from a FAILED listing asked two typical
   * latencies later SUCCEEDED, without a Describe (one in 20 is described all the same, to check the
   * listing; a wrong answer turns inference off). AWS documents neither how soon a failure shows in
   * the FAILED listing nor for how long, so only where a wrong inference errs towards less access
   * and is found out: creates, where the next run reads every assignment again (per-principal).
   * Deletions and provisionings are always described. @default - none: every outcome is described
   */
  readonly inferSucceeded?: readonly OperationKind[];
  /** Called as each operation ends. */
  readonly onOutcome?: (outcome: OperationOutcome) => void;
  /** Called when the poller learns something the run's report should say (the FAILED listing found wanting). */
  readonly onNotice?: (message: string) => void;
}

export type OutcomeStatus = 'succeeded' | 'failed' | 'not-started' | 'unknown';

export interface OperationOutcome {
  readonly op: Operation;
  readonly status: OutcomeStatus;
  readonly reason?: string;
  readonly attempts: number;
  readonly requestId?: string;
}

interface QueueItem {
  readonly op: Operation;
  readonly target: string;
  /** Requests made to start it. */
  attempts: number;
  /** Times it ended FAILED for a transient reason and was queued again. */
  failedRetries: number;
  notBefore: number;
}

/**
 * Applies operations at the quota limit: `maxOutstanding` workers each keep one asynchronous
 * operation in flight, never two on the same permission set and account (Identity Center answers
 * ConflictException to that), retry start failures that are retryable with jittered backoff, and
 * share one status poller. A worker moves on as soon as its operation is no longer running; the
 * outcome may be learnt later (see StatusPoller). When `shouldStop` turns true, workers start
 * nothing new and the remaining operations are returned as `not-started`.
 */
export async function applyOperations(ops: Operation[], port: IdentityCenterWritePort, options: ApplyOptions): Promise<OperationOutcome[]> {
  const queue = new OperationQueue(ops, options.clock);
  const poller = new StatusPoller(port, options);
  const outcomes: OperationOutcome[] = [];
  const maxAttempts = options.maxAttempts ?? 8;
  const maxFailedRetries = options.maxFailedRetries ?? 3;
  const report = (outcome: OperationOutcome) => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };
  const record = (item: QueueItem, outcome: OperationOutcome) => {
    queue.settle(item);
    report(outcome);
  };
  // The end of an operation that ran: a transient FAILED goes back to the queue, anything else is its outcome.
  const conclude = (item: QueueItem, final: FinalStatus) => {
    if (final !== 'unknown' && final.status === 'FAILED' && !alreadyGone(item.op, final.failureReason)
      && transientFailure(final.failureReason) && item.failedRetries < maxFailedRetries) {
      item.failedRetries++;
      queue.retryLater(item, failedBackoffMs(item.failedRetries, poller.typicalLatencyMs));
    } else {
      record(item, toOutcome(item, final));
    }
  };
  const concluding: Array<Promise<void>> = [];

  const worker = async () => {
    for (;;) {
      if (options.shouldStop()) return;
      const item = await queue.take(options.shouldStop);
      if (!item) return;
      item.attempts++;
      let started: OperationStatus;
      try {
        started = await startOperation(port, item.op);
      } catch (error) {
        poller.startRefused(error);
        if (goneAtOnce(item.op, error)) {
          record(item, { op: item.op, status: 'succeeded', reason: 'already gone', attempts: item.attempts });
        } else if (error instanceof WriteError && error.retryable && item.attempts < maxAttempts) {
          queue.retryLater(item, backoffMs(item.attempts));
        } else {
          record(item, { op: item.op, status: 'failed', reason: describeError(error), attempts: item.attempts });
        }
        queue.release(item);
        // Throttled, for the rate or the outstanding cap: the next operation would be too, so this worker waits as well.
        if (error instanceof WriteError && error.code === 'ThrottlingException') await options.clock.sleep(backoffMs(1));
        continue;
      }
      if (started.status !== 'IN_PROGRESS') {
        conclude(item, started);
        queue.release(item);
        continue;
      }
      const tracked = poller.track(item.op.kind, started);
      await tracked.finished;
      queue.release(item);
      concluding.push(tracked.outcome.then((final) => conclude(item, final)));
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, options.maxOutstanding) }, worker));
  // Workers stopped for time: the outcomes of what finished are still being learnt.
  await Promise.all(concluding);
  for (const item of queue.remaining()) {
    report({ op: item.op, status: 'not-started', attempts: item.attempts, reason: item.attempts > 0 ? 'stopped before a retry' : undefined });
  }
  return outcomes;
}

async function startOperation(port: IdentityCenterWritePort, op: Operation): Promise<OperationStatus> {
  return op.kind === 'provision' ? port.startProvisioning(op.permissionSetArn, op.accountId) : port.start(op.kind, op.assignment);
}

function toOutcome(item: QueueItem, status: OperationStatus | 'unknown'): OperationOutcome {
  if (status === 'unknown') {
    return { op: item.op, status: 'unknown', attempts: item.attempts, reason: 'still in progress when the run had to stop; the next run verifies it' };
  }
  if (status.status === 'FAILED' && alreadyGone(item.op, status.failureReason)) {
    return { op: item.op, status: 'succeeded', reason: 'already gone', attempts: item.attempts, requestId: status.requestId };
  }
  const retried = item.failedRetries > 0 ? ` (FAILED ${item.failedRetries + 1} times)` : '';
  return {
    op: item.op,
    status: status.status === 'SUCCEEDED' ? 'succeeded' : 'failed',
    reason: status.status === 'FAILED' ? `${status.failureReason || 'no reason given'}${retried}` : status.failureReason,
    attempts: item.attempts,
    requestId: status.requestId,
  };
}

/**
 * Deleting an assignment that no longer exists is the goal reached, not a failure. Identity Center
 * accepts the request and ends it FAILED with "Received a 404 status error: EntitlementItem doesn't
 * exist with the given entitlement key ..."; terraform-provider-aws matches the same words and treats
 * the assignment as deleted (internal/service/ssoadmin/account_assignment.go). Creating an existing
 * assignment already ends SUCCEEDED. A 404 about the principal ("the GROUP assignee ... was not found
 * in directory") is not this: the assignment is still there, and stays a failure.
 */
export function alreadyGone(op: Operation, failureReason: string | undefined): boolean {
  return op.kind === 'delete' && /\b404\b.*EntitlementItem doesn't exist/i.test(failureReason ?? '');
}

/**
 * A synchronous ResourceNotFoundException to a deletion: what it would delete (the permission set,
 * and so every assignment of it) is gone. terraform-provider-aws treats it as deleted too.
 */
function goneAtOnce(op: Operation, error: unknown): boolean {
  return op.kind === 'delete' && error instanceof WriteError && error.code === 'ResourceNotFoundException';
}

/**
 * FAILED reasons that a later attempt can overcome, retried within the run:
 * - "An unexpected internal service exception was encountered" (pulumi/pulumi-aws#1927);
 * - "... Please check your policy, or wait for role propagation to complete" (IAM permissions used in
 *   the management account that are still propagating; fivexl/terraform-aws-sso-elevator#15);
 * - "Obtaining permissions to manage your AWS account ... takes (is taking) longer than usual. Please
 *   try again in a few minutes" (aws-samples/aws-identitycenter-codepipeline-auto-assignment#31);
 * - no reason at all, which AWS sometimes gives (hashicorp/terraform-provider-aws#19821, #23585).
 * Anything else (a principal missing from the directory, access denied without propagation) is final.
 */
export function transientFailure(failureReason: string | undefined): boolean {
  if (failureReason === undefined || failureReason.trim() === '') return true;
  return /unexpected internal service exception|wait for role propagation|(takes|is taking) longer than usual/i.test(failureReason);
}

/**
 * After a transient FAILED: two, four, eight typical operation latencies (with jitter), so about
 * 4 to 30 s at Identity Center's 2 to 6 s, time for a role to propagate or a service to recover.
 */
function failedBackoffMs(retry: number, typicalLatencyMs: number): number {
  return (0.5 + Math.random() * 0.5) * 2 * Math.max(typicalLatencyMs, 100) * 2 ** (retry - 1);
}

/** Exponential backoff with full jitter, capped at 20 s. */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(20_000, 250 * 2 ** attempt);
}

function describeError(error: unknown): string {
  if (error instanceof WriteError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Pending operations; hands out the first one whose target is free and whose backoff has passed.
 * An operation handed out stays unsettled until its outcome is recorded or it is queued again, so
 * that workers wait for a FAILED operation that may come back rather than end the run early.
 */
class OperationQueue {
  private readonly pending: QueueItem[];
  private readonly busyTargets = new Set<string>();
  private unsettled = 0;
  private changed: Promise<void>;
  private wake?: () => void;

  constructor(ops: Operation[], private readonly clock: Clock) {
    this.pending = ops.map((op) => ({ op, target: operationTarget(op), attempts: 0, failedRetries: 0, notBefore: 0 }));
    this.changed = this.renew();
  }

  async take(shouldStop: () => boolean): Promise<QueueItem | undefined> {
    for (;;) {
      if ((this.pending.length === 0 && this.unsettled === 0) || shouldStop()) return undefined;
      const now = this.clock.now();
      const index = this.pending.findIndex((item) => item.notBefore <= now && !this.busyTargets.has(item.target));
      if (index >= 0) {
        const [item] = this.pending.splice(index, 1);
        this.busyTargets.add(item.target);
        this.unsettled++;
        return item;
      }
      // Everything left is busy, backing off or not back yet: wait for a change or the earliest backoff to pass.
      const earliest = Math.min(...this.pending.filter((i) => !this.busyTargets.has(i.target)).map((i) => i.notBefore));
      const waits: Array<Promise<void>> = [this.changed];
      if (Number.isFinite(earliest)) waits.push(this.clock.sleep(Math.max(1, earliest - now)));
      await Promise.race(waits);
    }
  }

  retryLater(item: QueueItem, delayMs: number): void {
    item.notBefore = this.clock.now() + delayMs;
    this.pending.push(item);
    this.unsettled--;
    this.notify();
  }

  /** Its target is free again (it no longer runs). */
  release(item: QueueItem): void {
    this.busyTargets.delete(item.target);
    this.notify();
  }

  /** Its outcome is recorded. */
  settle(_item: QueueItem): void {
    this.unsettled--;
    this.notify();
  }

  remaining(): QueueItem[] {
    return this.pending;
  }

  private notify(): void {
    const wake = this.wake;
    this.changed = this.renew();
    wake?.();
  }

  private renew(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }
}

type FinalStatus = OperationStatus | 'unknown';

/** An operation in flight, as the poller follows it. */
interface Tracked {
  readonly kind: OperationKind;
  readonly requestId: string;
  readonly startedAt: number;
  /** When a listing or a Describe last showed it IN_PROGRESS (the time it was asked). */
  seenAt?: number;
  /** A listing has shown it: only then may a later listing that no longer shows it free its slot. */
  listed: boolean;
  /** When the poller learnt that it no longer runs. */
  finishedAt?: number;
  /** Listings that have left it out since one freed it. */
  absences: number;
  /** Freed by a listing, then listed again: its outcome is described, never inferred. */
  reappeared?: boolean;
  /** Frees its slot and its target. */
  release(): void;
  conclude(status: FinalStatus): void;
}

/** Recent latencies kept to estimate the typical and the shortest one. */
const LATENCY_SAMPLES = 64;
/** Share of the request rate the poller plans with: the rest absorbs retries and the limiter's jitter. */
const RATE_HEADROOM = 0.9;
/** FAILED listings longer than this (about 20 pages) cost more than describing what they would classify. */
const MAX_FAILED_LISTED = 2000;
/**
 * Only operations freed this many typical latencies before a FAILED listing is asked are judged by
 * it: AWS does not say how soon a failure shows there, and an index lag of a second or two is
 * plausible. (The batches gather for about four latencies anyway.)
 */
const FAILED_LISTING_SETTLE_LATENCIES = 2;
/** One inferred success in this many is described all the same: a FAILED answer turns inference off. */
const VERIFY_EVERY = 20;

/**
 * One poll loop for every operation in flight. Each tick lists the operations of a kind that are
 * still IN_PROGRESS (`List...Status`, one call for up to 100, and Identity Center never runs more
 * than 15), so a tick costs one call however many operations it covers; an operation gone from the
 * listing has finished. Given the client's request rate, ticks come at the interval where the
 * outstanding cap and the rate bind together (`pollIntervalMs`; without it, every sixteenth of the
 * typical latency): at 2 to 6 s per operation and 15 requests per second that is every 160 ms, and
 * a finished operation waits about 80 ms to be noticed; at 1 to 2 s the rate binds, and a listing
 * then costs a start.
 * No operation is checked before the shortest latency seen so far.
 *
 * What frees a slot:
 * - Without `listFailed` on the port, a `Describe...Status` of each operation the listing no longer
 *   shows: the slot is freed only once a final status is confirmed, so a listing that misses a
 *   running operation can never let a sixteenth one, or a second one on the same target, start.
 *   Every operation costs a start and a Describe (plus about one listing per operation).
 * - With `listFailed`, an operation that a listing has shown IN_PROGRESS and a later one no longer
 *   shows has finished: its slot is freed there and then, and its outcome is learnt in batches
 *   from the FAILED listing (what is not in it SUCCEEDED; only failures are described, for their
 *   reason). An operation that was never listed (it finished between two ticks, or a listing
 *   missed it) is still described, so a listing that misses a running operation from its start
 *   still frees nothing; one that drops an operation it had listed would free its slot early, and
 *   the first ConflictException or "too many requests processing" ThrottlingException that follows
 *   turns this off for the rest of the run (every slot is then freed by a Describe, as above).
 *   An operation costs a start plus a few hundredths of a read.
 */
class StatusPoller {
  private readonly running = new Set<Tracked>();
  private readonly unclassified = new Set<Tracked>();
  private readonly samples: number[] = [];
  private looping = false;
  private lastTick = -Infinity;
  private readonly inferred: ReadonlySet<OperationKind>;
  private trustListings: boolean;
  private classifyByListing: boolean;
  private releasedByListing = 0;
  /** Status reads other than IN_PROGRESS listings (Describes, FAILED listings), and operations finished. */
  private statusReads = 0;
  private finishedCount = 0;

  constructor(private readonly port: IdentityCenterWritePort, private readonly options: ApplyOptions) {
    this.inferred = new Set(typeof port.listFailed === 'function' ? options.inferSucceeded ?? [] : []);
    this.trustListings = this.inferred.size > 0;
    this.classifyByListing = this.trustListings;
  }

  /** Whether outcomes of this kind are learnt from the FAILED listing (otherwise described). */
  private infers(kind: OperationKind): boolean {
    return this.classifyByListing && this.inferred.has(kind);
  }

  /** How long operations take, as observed so far in this run. */
  get typicalLatencyMs(): number {
    if (this.samples.length === 0) {
      const now = this.options.clock.now();
      const oldest = Math.max(0, ...[...this.running].map((t) => now - t.startedAt));
      return Math.max(this.options.initialLatencyMs ?? 250, oldest);
    }
    return this.samples.reduce((a, b) => a + b, 0) / this.samples.length;
  }

  /** Follows a started operation: `finished` once it no longer runs, `outcome` once its final status is known. */
  track(kind: OperationKind, started: OperationStatus): { finished: Promise<void>; outcome: Promise<FinalStatus> } {
    let release!: () => void;
    let conclude!: (status: FinalStatus) => void;
    const finished = new Promise<void>((resolve) => {
      release = resolve;
    });
    const outcome = new Promise<FinalStatus>((resolve) => {
      conclude = resolve;
    });
    this.running.add({ kind, requestId: started.requestId, startedAt: this.options.clock.now(), listed: false, absences: 0, release, conclude });
    if (!this.looping) void this.loop();
    return { finished, outcome };
  }

  /** A start refused for a conflict or the outstanding cap: a slot may have been freed too early. */
  startRefused(error: unknown): void {
    if (this.releasedByListing === 0 || !(error instanceof WriteError)) return;
    if (error.code === 'ConflictException' || (error.code === 'ThrottlingException' && /too many requests processing/i.test(error.message))) {
      this.trustListings = false;
    }
  }

  private async loop(): Promise<void> {
    this.looping = true;
    try {
      while (this.running.size + this.unclassified.size > 0) {
        const clock = this.options.clock;
        // Never sleep past the drain deadline: the run must end with every operation accounted for.
        const wake = Math.min(this.nextTick(), this.options.drainDeadline());
        if (wake > clock.now()) await clock.sleep(wake - clock.now());
        this.lastTick = clock.now();
        const pastDeadline = this.lastTick >= this.options.drainDeadline();
        if (pastDeadline) {
          for (const t of this.running) {
            t.release();
            t.conclude('unknown');
          }
          this.running.clear();
        }
        // Outcomes first: what the previous tick found finished has had its workers start the next operations.
        await this.classify(this.lastTick, pastDeadline);
        if (!pastDeadline) await this.check(this.lastTick);
      }
    } finally {
      this.looping = false;
    }
  }

  private nextTick(): number {
    const interval = this.intervalMs();
    if (this.running.size === 0) return this.lastTick + interval;
    const firstCheck = this.firstCheckMs();
    const earliestDue = Math.min(...[...this.running].map((t) => t.startedAt + firstCheck));
    return Math.max(earliestDue, this.lastTick + interval);
  }

  /** An operation is first checked once the shortest latency seen so far has passed (before any: 60% of the first guess). */
  private firstCheckMs(): number {
    return this.samples.length === 0 ? 0.6 * this.typicalLatencyMs : 0.95 * Math.min(...this.samples);
  }

  private intervalMs(): number {
    const latency = this.typicalLatencyMs;
    const kinds = new Set([...this.running].map((t) => t.kind)).size;
    const rate = this.options.requestsPerSecond;
    if (rate === undefined || !(rate > 0) || kinds === 0) return latency / 16;
    // Requests per operation besides the listings: its start, and its Describes and FAILED listings so far.
    const firstGuess = this.classifyByListing && kindsInferred(this.running, this.inferred) ? 0 : 1;
    const perOperation = 1 + (this.finishedCount > 0 ? this.statusReads / this.finishedCount : firstGuess);
    const balanced = pollIntervalMs({
      latencyMs: latency,
      outstanding: this.options.maxOutstanding,
      requestsPerMs: (RATE_HEADROOM * rate) / 1000,
      requestsPerOperation: perOperation,
      listingsPerTick: kinds,
    });
    return Math.min(latency / 2, Math.max(latency / 32, balanced));
  }

  private async check(now: number): Promise<void> {
    const byKind = new Map<OperationKind, Tracked[]>();
    for (const t of this.running) byKind.set(t.kind, [...(byKind.get(t.kind) ?? []), t]);
    // Due as `nextTick` computed it (a millisecond's slack for the clock's rounding).
    const firstCheck = this.firstCheckMs() - 1;
    const due = (t: Tracked) => now - t.startedAt >= firstCheck;
    const toDescribe: Tracked[] = [];
    for (const [kind, all] of byKind) {
      if (!all.some(due)) continue;
      // One operation of its kind in flight: its Describe answers as cheaply as a listing, and finally.
      if (all.length === 1) {
        toDescribe.push(all[0]);
        continue;
      }
      const listed = await this.port.listInProgress(kind).catch(() => undefined);
      if (!listed) {
        // A failed listing: what is probably done is described, the rest waits for the next tick.
        toDescribe.push(...all.filter((t) => now - t.startedAt >= this.typicalLatencyMs));
        continue;
      }
      this.confirmFinished(kind, listed);
      for (const t of all) {
        if (listed.has(t.requestId)) {
          t.seenAt = now;
          t.listed = true;
        } else if (!due(t)) {
          continue;
        } else if (t.listed && this.trustListings) {
          this.finishListed(t, now);
        } else {
          toDescribe.push(t);
        }
      }
    }
    await Promise.all(toDescribe.map((t) => this.describe(t)));
  }

  /** What a listing says of operations freed by an earlier one: still gone, or running after all. */
  private confirmFinished(kind: OperationKind, listed: Set<string>): void {
    for (const t of this.unclassified) {
      if (t.kind !== kind) continue;
      if (!listed.has(t.requestId)) {
        t.absences++;
      } else {
        // A listing dropped it while it ran: from now on slots are freed by Describes only.
        t.reappeared = true;
        this.trustListings = false;
      }
    }
  }

  private finishListed(t: Tracked, now: number): void {
    this.running.delete(t);
    this.unclassified.add(t);
    t.finishedAt = now;
    t.absences = 1;
    this.releasedByListing++;
    this.observe(t, now);
    t.release();
  }

  /**
   * Learns the outcomes of operations finished by listing: when none of their kind is left in
   * flight, when enough have gathered to make one FAILED listing worth it, when the oldest has
   * waited eight latencies, and at the drain deadline.
   */
  private async classify(now: number, final: boolean): Promise<void> {
    const byKind = new Map<OperationKind, Tracked[]>();
    for (const t of this.unclassified) byKind.set(t.kind, [...(byKind.get(t.kind) ?? []), t]);
    for (const [kind, list] of byKind) {
      const inFlight = [...this.running].some((t) => t.kind === kind);
      const oldest = Math.min(...list.map((t) => t.finishedAt ?? now));
      const waitedLong = now - oldest >= 8 * this.typicalLatencyMs;
      if (this.infers(kind) && !final) {
        // One FAILED listing judges only what has settled (see below): worth it once two waves of them have gathered.
        const settled = list.filter((t) => now - (t.finishedAt ?? now) >= this.settleMs()).length;
        // With nothing of its kind left running (the run's end, or a lull), at once: what has not settled is described.
        if (inFlight && settled < 2 * this.options.maxOutstanding && !waitedLong) continue;
      } else if (!final && inFlight && list.length < 4 * this.options.maxOutstanding && !waitedLong) {
        continue;
      }
      // A second listing must leave an operation out before its outcome is inferred (one is made if none has since).
      if (this.infers(kind) && list.some((t) => t.absences < 2 && !t.reappeared)) {
        const listed = await this.port.listInProgress(kind).catch(() => undefined);
        if (listed) this.confirmFinished(kind, listed);
      }
      const askedAt = this.options.clock.now();
      const failed = this.infers(kind) ? await this.listFailed(kind) : undefined;
      if (!failed) {
        // Listings say these finished: a Describe each gives their outcome, also at the deadline.
        await Promise.all(list.map((t) => this.describe(t)));
        if (final) for (const t of list) if (this.unclassified.has(t)) this.conclude(t, 'unknown');
        continue;
      }
      // A failure may take a while to show in the FAILED listing: only what finished well before it was asked is judged by it.
      const settledBefore = askedAt - this.settleMs();
      const failures: Tracked[] = [];
      const verifying: Tracked[] = [];
      for (const t of list) {
        if (failed.has(t.requestId) || t.reappeared || t.absences < 2) {
          failures.push(t);
        } else if ((t.finishedAt ?? askedAt) > settledBefore) {
          // Too recent: judged by a later listing, or described when nothing of its kind is left running and at the deadline.
          if (final || !inFlight) failures.push(t);
        } else if (sampled(t.requestId)) {
          verifying.push(t);
        } else {
          // Two listings since it was freed left it out, and this one was asked well after them: not FAILED is SUCCEEDED.
          this.conclude(t, { requestId: t.requestId, status: 'SUCCEEDED' });
        }
      }
      // A failure's reason decides whether it is retried: described, also at the deadline (failures are few).
      await Promise.all([...failures.map((t) => this.describe(t)), ...verifying.map((t) => this.describe(t, true))]);
      if (final) for (const t of failures) if (this.unclassified.has(t)) this.conclude(t, 'unknown');
    }
  }

  /** How long ago an operation must have finished for the FAILED listing to judge it. */
  private settleMs(): number {
    return FAILED_LISTING_SETTLE_LATENCIES * this.typicalLatencyMs;
  }

  private async listFailed(kind: OperationKind): Promise<Set<string> | undefined> {
    this.statusReads++;
    try {
      const failed = await this.port.listFailed!(kind, MAX_FAILED_LISTED);
      if (failed.size > MAX_FAILED_LISTED) {
        this.classifyByListing = false;
        this.options.onNotice?.(`Identity Center lists more than ${MAX_FAILED_LISTED} FAILED operations of a kind: outcomes are described one by one for the rest of this run`);
      }
      return failed;
    } catch {
      return undefined;
    }
  }

  /** `inferred`: the listings took it for SUCCEEDED, and this checks them. */
  private async describe(t: Tracked, inferred = false): Promise<void> {
    const askedAt = this.options.clock.now();
    this.statusReads++;
    try {
      const status = await this.port.describe(t.kind, t.requestId);
      // Taken for SUCCEEDED, yet FAILED or still running: the listings cannot be trusted with outcomes.
      if (inferred && status.status !== 'SUCCEEDED' && this.classifyByListing) {
        this.classifyByListing = false;
        this.options.onNotice?.(`an operation missing from the FAILED listing had not SUCCEEDED (${status.status}; the listings lag behind): `
          + 'outcomes are described one by one for the rest of this run, and successes inferred before may be wrong; the next run reads them again');
      }
      if (status.status !== 'IN_PROGRESS') {
        if (this.running.delete(t)) {
          this.observe(t, askedAt);
          t.release();
        }
        this.conclude(t, status);
      } else if (this.running.has(t)) {
        t.seenAt = askedAt;
      } else {
        // Finished by a listing, yet running: that listing dropped it. Slots are freed by Describes from now on.
        this.trustListings = false;
      }
    } catch {
      // A failed status read is retried later; the operation itself is unaffected.
    }
  }

  private conclude(t: Tracked, status: FinalStatus): void {
    this.unclassified.delete(t);
    this.finishedCount++;
    t.conclude(status);
  }

  /** Its latency lies between when it was last seen running and when it was found finished. */
  private observe(t: Tracked, foundAt: number): void {
    const lower = (t.seenAt ?? t.startedAt) - t.startedAt;
    this.samples.push((lower + foundAt - t.startedAt) / 2);
    if (this.samples.length > LATENCY_SAMPLES) this.samples.shift();
  }
}

/** One request id in VERIFY_EVERY, by a hash of it: no pattern in the order operations end can avoid the sample. */
export function sampled(requestId: string): boolean {
  let hash = 2166136261;
  for (let i = 0; i < requestId.length; i++) hash = Math.imul(hash + requestId.charCodeAt(i), 16777619);
  // A last mix, so that ids differing only in their last character do not land on neighbouring residues.
  return Math.abs(Math.imul(hash + (hash % 65521), 2246822507)) % VERIFY_EVERY === 0;
}

/** Some operation in flight is of a kind whose outcome the FAILED listing gives. */
function kindsInferred(running: ReadonlySet<Tracked>, inferred: ReadonlySet<OperationKind>): boolean {
  return [...running].some((t) => inferred.has(t.kind));
}

/**
 * The listing interval at which the outstanding cap and the request rate allow the same throughput:
 * with listings `I` apart, a finished operation waits `I / 2` to be noticed, so the cap allows
 * `outstanding / (latency + I / 2)` operations per ms, and the rate allows
 * `(requestsPerMs - listingsPerTick / I) / requestsPerOperation`. Polling faster gains nothing
 * once the rate binds; slower, once the cap does. Solves the equality (a quadratic in `I`).
 */
export function pollIntervalMs(p: {
  latencyMs: number; outstanding: number; requestsPerMs: number; requestsPerOperation: number; listingsPerTick: number;
}): number {
  const r = p.requestsPerMs;
  const b = r * p.latencyMs - p.outstanding * p.requestsPerOperation - p.listingsPerTick / 2;
  return (-b + Math.sqrt(b * b + 2 * r * p.listingsPerTick * p.latencyMs)) / r;
}
