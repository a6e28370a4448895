/**
 * Counts every request that reached the server, by service and operation, including the ones
 * that were throttled, failed or cut off; throttled requests are also counted on their own, so a
 * test can tell SDK retries from first attempts.
 */
export class CallCounter {
  private readonly calls = new Map<string, number>();
  private readonly throttledCalls = new Map<string, number>();

  public record(service: string, operation: string): void {
    increment(this.calls, key(service, operation));
  }

  public recordThrottled(service: string, operation: string): void {
    increment(this.throttledCalls, key(service, operation));
  }

  /** Requests to one operation, or to a whole service when `operation` is omitted. */
  public count(service: string, operation?: string): number {
    return sum(this.calls, service, operation);
  }

  /** Throttled requests (ThrottlingException, TooManyRequestsException), same selection as `count`. */
  public throttled(service?: string, operation?: string): number {
    return sum(this.throttledCalls, service, operation);
  }

  /** All requests, or one service's. */
  public total(service?: string): number {
    return sum(this.calls, service, undefined);
  }

  /** `{ 'sso-admin:ListAccountAssignments': 12, ... }`, sorted by key. */
  public byOperation(): Record<string, number> {
    return Object.fromEntries([...this.calls.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  public reset(): void {
    this.calls.clear();
    this.throttledCalls.clear();
  }
}

function key(service: string, operation: string): string {
  return `${service}:${operation}`;
}

function increment(map: Map<string, number>, k: string): void {
  map.set(k, (map.get(k) ?? 0) + 1);
}

function sum(map: Map<string, number>, service: string | undefined, operation: string | undefined): number {
  if (service !== undefined && operation !== undefined) return map.get(key(service, operation)) ?? 0;
  let total = 0;
  for (const [k, n] of map) if (service === undefined || k.startsWith(`${service}:`)) total += n;
  return total;
}
