import { Clock } from './ports';

/**
 * Spaces calls evenly at `ratePerSecond` (a GCRA token bucket with a small burst), so the collective
 * Identity Center quota is never exceeded by this client, whatever mix of reads and writes it makes.
 */
export class RateLimiter {
  private readonly intervalMs: number;
  private readonly burstMs: number;
  private nextSlot = 0;

  constructor(ratePerSecond: number, private readonly clock: Clock, burst = 1) {
    if (!(ratePerSecond > 0)) throw new Error(`rate must be positive, got ${ratePerSecond}`);
    this.intervalMs = 1000 / ratePerSecond;
    this.burstMs = Math.max(0, burst - 1) * this.intervalMs;
  }

  /** Resolves when the caller may make one call. */
  async take(): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now - this.burstMs, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    const wait = slot - now;
    if (wait > 0) await this.clock.sleep(wait);
  }
}
