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
   * first completions are seen, due operations are checked together with one list call.
   * @default 250
   */
  readonly initialLatencyMs?: number;
  /** Called as each operation ends. */
  readonly onOutcome?: (outcome: OperationOutcome) => void;
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
 * share one status poller. When `shouldStop` turns true, workers start nothing new and the
 * remaining operations are returned as `not-started`.
 */
export async function applyOperations(ops: Operation[], port: IdentityCenterWritePort, options: ApplyOptions): Promise<OperationOutcome[]> {
  const queue = new OperationQueue(ops, options.clock);
  const poller = new StatusPoller(port, options);
  const outcomes: OperationOutcome[] = [];
  const record = (outcome: OperationOutcome) => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };
  const maxAttempts = options.maxAttempts ?? 8;
  const maxFailedRetries = options.maxFailedRetries ?? 3;

  const worker = async () => {
    for (;;) {
      if (options.shouldStop()) return;
      const item = await queue.take(options.shouldStop);
      if (!item) return;
      item.attempts++;
      try {
        const started = await startOperation(port, item.op);
        const final = started.status === 'IN_PROGRESS' ? await poller.wait(item.op.kind, started) : started;
        if (final !== 'unknown' && final.status === 'FAILED' && !alreadyGone(item.op, final.failureReason)
          && transientFailure(final.failureReason) && item.failedRetries < maxFailedRetries) {
          item.failedRetries++;
          queue.retryLater(item, failedBackoffMs(item.failedRetries, poller.typicalLatencyMs));
        } else {
          record(toOutcome(item, final));
        }
      } catch (error) {
        if (goneAtOnce(item.op, error)) {
          record({ op: item.op, status: 'succeeded', reason: 'already gone', attempts: item.attempts });
        } else if (error instanceof WriteError && error.retryable && item.attempts < maxAttempts) {
          queue.retryLater(item, backoffMs(item.attempts));
        } else {
          record({ op: item.op, status: 'failed', reason: describeError(error), attempts: item.attempts });
        }
      } finally {
        queue.release(item);
      }
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, options.maxOutstanding) }, worker));
  for (const item of queue.remaining()) {
    record({ op: item.op, status: 'not-started', attempts: item.attempts, reason: item.attempts > 0 ? 'stopped before a retry' : undefined });
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

/** Pending operations; hands out the first one whose target is free and whose backoff has passed. */
class OperationQueue {
  private readonly pending: QueueItem[];
  private readonly busyTargets = new Set<string>();
  private changed: Promise<void>;
  private wake?: () => void;

  constructor(ops: Operation[], private readonly clock: Clock) {
    this.pending = ops.map((op) => ({ op, target: operationTarget(op), attempts: 0, failedRetries: 0, notBefore: 0 }));
    this.changed = this.renew();
  }

  async take(shouldStop: () => boolean): Promise<QueueItem | undefined> {
    for (;;) {
      if (this.pending.length === 0 || shouldStop()) return undefined;
      const now = this.clock.now();
      const index = this.pending.findIndex((item) => item.notBefore <= now && !this.busyTargets.has(item.target));
      if (index >= 0) {
        const [item] = this.pending.splice(index, 1);
        this.busyTargets.add(item.target);
        return item;
      }
      // Everything left is busy or backing off: wait for a release or the earliest backoff to pass.
      const earliest = Math.min(...this.pending.filter((i) => !this.busyTargets.has(i.target)).map((i) => i.notBefore));
      const waits: Array<Promise<void>> = [this.changed];
      if (Number.isFinite(earliest)) waits.push(this.clock.sleep(Math.max(1, earliest - now)));
      await Promise.race(waits);
    }
  }

  retryLater(item: QueueItem, delayMs: number): void {
    item.notBefore = this.clock.now() + delayMs;
    this.pending.push(item);
  }

  release(item: QueueItem): void {
    this.busyTargets.delete(item.target);
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

interface Waiter {
  readonly kind: OperationKind;
  readonly requestId: string;
  readonly startedAt: number;
  nextCheck: number;
  resolve(status: FinalStatus): void;
}

/**
 * One poll loop for every operation in flight, in ticks at least a sixteenth of the typical latency
 * apart. An operation is first due at 60% of the typical latency, then every 8% of it, so a
 * finished operation waits a small fraction of its latency to be noticed and its slot is refilled
 * (with 15 in flight that costs about four list calls per latency period, well inside the quota).
 * A slot is freed only once a `Describe...Status` call has confirmed the operation's final status,
 * so a listing that misses a running operation can never let a sixteenth one, or a second one on
 * the same target, start.
 * When two or more are due in a tick, one `List...Status(IN_PROGRESS)` call tells which are still
 * running, so only finished operations cost a `Describe...Status` call. The typical latency is
 * learnt as the run goes (an average of time to detection, which the early first check keeps close
 * to the real latency).
 */
class StatusPoller {
  private readonly waiters = new Set<Waiter>();
  private running = false;
  private latencyMs: number;
  private lastTick = -Infinity;

  constructor(private readonly port: IdentityCenterWritePort, private readonly options: ApplyOptions) {
    this.latencyMs = options.initialLatencyMs ?? 250;
  }

  /** How long operations take, as observed so far in this run. */
  get typicalLatencyMs(): number {
    return this.latencyMs;
  }

  wait(kind: OperationKind, started: OperationStatus): Promise<FinalStatus> {
    return new Promise((resolve) => {
      const now = this.options.clock.now();
      this.waiters.add({ kind, requestId: started.requestId, startedAt: now, nextCheck: now + 0.6 * this.latencyMs, resolve });
      if (!this.running) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.waiters.size > 0) {
        const clock = this.options.clock;
        const earliest = Math.min(...[...this.waiters].map((w) => w.nextCheck));
        const next = Math.max(earliest, this.lastTick + this.latencyMs / 16);
        // Never sleep past the drain deadline: the run must end with every operation accounted for.
        const wake = Math.min(next, this.options.drainDeadline());
        if (wake > clock.now()) await clock.sleep(wake - clock.now());
        if (clock.now() >= this.options.drainDeadline()) {
          for (const waiter of this.waiters) waiter.resolve('unknown');
          this.waiters.clear();
          return;
        }
        this.lastTick = clock.now();
        await this.checkDue(this.lastTick);
      }
    } finally {
      this.running = false;
    }
  }

  private async checkDue(now: number): Promise<void> {
    const due = [...this.waiters].filter((w) => w.nextCheck <= now);
    const byKind = new Map<OperationKind, Waiter[]>();
    for (const waiter of due) byKind.set(waiter.kind, [...(byKind.get(waiter.kind) ?? []), waiter]);

    const toDescribe: Waiter[] = [];
    for (const [kind, waiters] of byKind) {
      const stillRunning = waiters.length >= 2 ? await this.port.listInProgress(kind).catch(() => undefined) : undefined;
      for (const waiter of waiters) {
        // Only what the listing no longer shows is described: its final status frees the slot.
        if (stillRunning?.has(waiter.requestId)) this.later(waiter);
        else toDescribe.push(waiter);
      }
    }

    await Promise.all(toDescribe.map(async (waiter) => {
      try {
        const status = await this.port.describe(waiter.kind, waiter.requestId);
        if (status.status === 'IN_PROGRESS') this.later(waiter);
        else this.finish(waiter, status);
      } catch {
        // A failed status read is retried later; the operation itself is unaffected.
        this.later(waiter);
      }
    }));
  }

  private finish(waiter: Waiter, status: OperationStatus): void {
    this.observe(this.options.clock.now() - waiter.startedAt);
    this.waiters.delete(waiter);
    waiter.resolve(status);
  }

  private later(waiter: Waiter): void {
    waiter.nextCheck = this.options.clock.now() + Math.min(10_000, Math.max(5, 0.08 * this.latencyMs));
  }

  /** An exponentially weighted average of completion latency. */
  private observe(latencyMs: number): void {
    this.latencyMs = 0.8 * this.latencyMs + 0.2 * latencyMs;
  }
}
