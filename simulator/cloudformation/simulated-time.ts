import { SimulatedClock } from '../core/simulated-clock';

/** Real milliseconds between two looks at a frozen clock (only `advance()` can move it). */
const FROZEN_POLL_REAL_MS = 2;
/** Longest real wait before looking at the clock again, so a `setSpeed` during a long wait is noticed. */
const MAX_REAL_WAIT_MS = 50;

export const TIMED_OUT = Symbol('timed out');

/**
 * A fixed wait (a handler's back-off, a polling interval) on the simulated clock, with
 * `clock.sleep`'s semantics: on a frozen clock it does not wait. It always yields to the event loop
 * once, so retry loops cannot starve HTTP requests (custom resource responses) or a test that
 * advances the clock.
 */
export async function pause(clock: SimulatedClock, simulatedMs: number): Promise<void> {
  await clock.sleep(simulatedMs);
  await new Promise((resolve) => setTimeout(resolve, clock.speed === 0 ? FROZEN_POLL_REAL_MS : 0));
}

/**
 * Resolves with `promise`'s value, or TIMED_OUT once simulated time reaches `deadline`. Unlike
 * `pause`, a deadline is a point in simulated time: on a frozen clock it passes only when the test
 * advances the clock. The timer is cleared as soon as the promise settles.
 */
export function withDeadline<T>(clock: SimulatedClock, promise: Promise<T>, deadline: number): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      settle();
    };
    const look = () => {
      if (settled) return;
      const left = deadline - clock.now();
      if (left <= 0) {
        finish(() => resolve(TIMED_OUT));
        return;
      }
      const realMs = clock.toRealMs(left);
      timer = setTimeout(look, realMs > 0 ? Math.min(Math.ceil(realMs), MAX_REAL_WAIT_MS) : FROZEN_POLL_REAL_MS);
    };
    promise.then((value) => finish(() => resolve(value)), (error: unknown) => finish(() => reject(error)));
    look();
  });
}
