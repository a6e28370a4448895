import { SeededRandom } from './seeded-random';
import { SimulatedClock } from './simulated-clock';

export type FaultKind = 'serverError' | 'throttlingStorm' | 'asyncFailure' | 'latencySpike' | 'connectionReset';

/**
 * Which requests a fault applies to: `'sso-admin:CreateAccountAssignment'`, a whole service
 * `'sso-admin:*'`, or everything `'*'`.
 */
export type OperationSelector = string;

/** How often a fault fires: with a probability per request, and/or on the next N matching requests. */
export interface FaultFrequency {
  /** Probability per matching request, decided under the seed. @default 0 */
  readonly rate?: number;
  /** Fire on the next N matching requests (before `rate` is considered). @default 0 */
  readonly next?: number;
}

export interface ServerErrorFault extends FaultFrequency {
  /** 500 (the service's internal error) or 503 (ServiceUnavailable). @default 500 */
  readonly status?: 500 | 503;
  /**
   * Apply the request, then answer the error: the write happened but the client does not know,
   * the case that makes retries non-idempotent. @default false
   */
  readonly afterCommit?: boolean;
}

export interface LatencySpikeFault extends FaultFrequency {
  /** Extra simulated milliseconds before the response. */
  readonly delayMs: number;
}

export interface AsyncFailureFault extends FaultFrequency {
  /** FailureReason reported. @default the reason AWS gave in pulumi/pulumi-aws#1927 */
  readonly reason?: string;
}

/** What the server must do to one request. */
export interface FaultDecision {
  readonly connectionReset: boolean;
  readonly delayMs: number;
  readonly serverError?: { readonly status: 500 | 503; readonly afterCommit: boolean };
}

export const DEFAULT_ASYNC_FAILURE_REASON = 'An unexpected internal service exception was encountered';

interface Rule<T> {
  readonly selector: OperationSelector;
  readonly fault: T;
  remaining: number;
}

/**
 * Deterministic fault injection: every probabilistic decision is a keyed draw over
 * (fault, service, operation, n-th call of that operation), so the same request sequence gets the
 * same faults under the same seed, whatever other clients do meanwhile.
 */
export class FaultInjector {
  private serverErrorRules: Array<Rule<ServerErrorFault>> = [];
  private latencyRules: Array<Rule<LatencySpikeFault>> = [];
  private resetRules: Array<Rule<FaultFrequency>> = [];
  private asyncFailureRule: Rule<AsyncFailureFault> | undefined;
  private storms: Array<{ service: string; until: number }> = [];
  private readonly counts: Record<FaultKind, number> = emptyCounts();

  constructor(private readonly random: SeededRandom, private readonly clock: SimulatedClock) {}

  /** 5xx answers (InternalServerException and its per-service equivalents, or 503), which the SDK retries. */
  public serverErrors(selector: OperationSelector, fault: ServerErrorFault): this {
    this.serverErrorRules.push(rule(selector, fault));
    return this;
  }

  /** Every call to `service` is throttled for `durationMs` simulated milliseconds from now. */
  public throttlingStorm(durationMs: number, service = 'sso-admin'): this {
    this.storms.push({ service, until: this.clock.now() + durationMs });
    return this;
  }

  /** Asynchronous Identity Center operations end FAILED with a FailureReason. */
  public asyncFailures(fault: AsyncFailureFault): this {
    this.asyncFailureRule = rule('sso-admin:*', fault);
    return this;
  }

  /** Responses delayed by extra simulated time (waited in real time at the clock's speed). */
  public latencySpikes(selector: OperationSelector, fault: LatencySpikeFault): this {
    this.latencyRules.push(rule(selector, fault));
    return this;
  }

  /** The socket is destroyed before any response ("socket hang up", ECONNRESET): the SDK retries it as transient. */
  public connectionResets(selector: OperationSelector, fault: FaultFrequency): this {
    this.resetRules.push(rule(selector, fault));
    return this;
  }

  /** Removes every configured fault (counts are kept). */
  public clear(): void {
    this.serverErrorRules = [];
    this.latencyRules = [];
    this.resetRules = [];
    this.asyncFailureRule = undefined;
    this.storms = [];
  }

  /** Faults injected so far, by kind. */
  public injected(): Record<FaultKind, number> {
    return { ...this.counts };
  }

  /** @internal Decides the request-level faults for the `callIndex`-th call of an operation. */
  public decide(service: string, operation: string, callIndex: number): FaultDecision {
    const reset = this.fires(this.resetRules, 'connectionReset', service, operation, callIndex);
    if (reset) return { connectionReset: true, delayMs: 0 };
    const spike = this.fires(this.latencyRules, 'latencySpike', service, operation, callIndex);
    const error = this.fires(this.serverErrorRules, 'serverError', service, operation, callIndex);
    return {
      connectionReset: false,
      delayMs: spike?.delayMs ?? 0,
      serverError: error ? { status: error.status ?? 500, afterCommit: error.afterCommit ?? false } : undefined,
    };
  }

  /** @internal True while a throttling storm covers `service`; counts the injection. */
  public inThrottlingStorm(service: string): boolean {
    const now = this.clock.now();
    this.storms = this.storms.filter((storm) => storm.until > now);
    const inStorm = this.storms.some((storm) => storm.service === service);
    if (inStorm) this.counts.throttlingStorm++;
    return inStorm;
  }

  /** @internal The FailureReason if the asynchronous operation `operationKey` must fail. */
  public asyncFailureFor(operationKey: string): string | undefined {
    const fault = this.fires(this.asyncFailureRule ? [this.asyncFailureRule] : [], 'asyncFailure', 'sso-admin', 'async', operationKey);
    return fault ? fault.reason ?? DEFAULT_ASYNC_FAILURE_REASON : undefined;
  }

  private fires<T extends FaultFrequency>(
    rules: Array<Rule<T>>, kind: FaultKind, service: string, operation: string, callKey: number | string,
  ): T | undefined {
    for (const r of rules) {
      if (!matches(r.selector, service, operation)) continue;
      if (r.remaining > 0) {
        r.remaining--;
        this.counts[kind]++;
        return r.fault;
      }
      if ((r.fault.rate ?? 0) > 0 && this.random.forKey(kind, r.selector, service, operation, callKey) < (r.fault.rate ?? 0)) {
        this.counts[kind]++;
        return r.fault;
      }
    }
    return undefined;
  }
}

function rule<T extends FaultFrequency>(selector: OperationSelector, fault: T): Rule<T> {
  const rate = fault.rate ?? 0;
  if (!(rate >= 0 && rate <= 1)) throw new Error(`fault rate must be in [0, 1], got ${rate}`);
  return { selector, fault, remaining: fault.next ?? 0 };
}

function matches(selector: OperationSelector, service: string, operation: string): boolean {
  if (selector === '*') return true;
  const [s, o] = selector.split(':');
  return s === service && (o === undefined || o === '*' || o === operation);
}

function emptyCounts(): Record<FaultKind, number> {
  return { serverError: 0, throttlingStorm: 0, asyncFailure: 0, latencySpike: 0, connectionReset: 0 };
}
