import { RateLimiter } from '../core/rate-limiter';

/** Counts every HTTP attempt by `service:Operation`, for metrics and the run report. */
export class ApiCallCounter {
  private readonly counts = new Map<string, number>();

  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** The part of an SDK v3 client this module needs, so any client can be instrumented. */
interface Instrumentable {
  middlewareStack: {
    add(middleware: unknown, options: { step: 'deserialize'; name: string; priority?: 'high' | 'low' }): void;
  };
}

/**
 * Adds per-attempt middleware to a client: counting and, when given, a client-side rate limiter. The deserialize step wraps each HTTP attempt, retries included, so the
 * limiter also spaces the SDK's own retries.
 */
export function instrument<T extends Instrumentable>(client: T, service: string, counter: ApiCallCounter, limiter?: RateLimiter): T {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (limiter) await limiter.take();
      counter.add(`${service}:${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`);
      return next(args);
    },
    { step: 'deserialize', name: `count-${service}-calls`, priority: 'low' },
  );
  return client;
}
