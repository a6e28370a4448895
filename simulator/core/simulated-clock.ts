/**
 * Simulated time. Every quota (requests per second) and every latency (asynchronous operations,
 * latency spikes) in the simulator is expressed in simulated milliseconds, so `speed` scales them
 * together: at speed 100, a 20 TPS quota admits 2,000 requests per real second and a 3 s
 * asynchronous operation completes in 30 real ms. Speed 0 freezes time: it then moves only
 * through `advance()`, which makes state transitions exact in tests.
 */
export interface SimulatedClockOptions {
  /** Simulated milliseconds per real millisecond. @default 1 */
  readonly speed?: number;
  /** Simulated epoch milliseconds at start. @default 2025-01-01T00:00:00Z, so timestamps are reproducible */
  readonly startTime?: number;
}

export class SimulatedClock {
  private currentSpeed: number;
  private anchorReal: number;
  private anchorSimulated: number;

  constructor(options: SimulatedClockOptions = {}) {
    this.currentSpeed = validSpeed(options.speed ?? 1);
    this.anchorReal = performance.now();
    this.anchorSimulated = options.startTime ?? Date.UTC(2025, 0, 1);
  }

  /** Simulated time, epoch milliseconds. */
  public now(): number {
    return this.anchorSimulated + (performance.now() - this.anchorReal) * this.currentSpeed;
  }

  public get speed(): number {
    return this.currentSpeed;
  }

  /** Changes the speed from now on; simulated time already elapsed is kept. */
  public setSpeed(speed: number): void {
    this.rebase();
    this.currentSpeed = validSpeed(speed);
  }

  /** Jumps simulated time forward. */
  public advance(simulatedMs: number): void {
    if (simulatedMs < 0) throw new Error(`cannot move simulated time backwards (${simulatedMs} ms)`);
    this.rebase();
    this.anchorSimulated += simulatedMs;
  }

  /** Real milliseconds that `simulatedMs` take at the current speed (0 when frozen: nothing to wait for). */
  public toRealMs(simulatedMs: number): number {
    return this.currentSpeed === 0 ? 0 : simulatedMs / this.currentSpeed;
  }

  /** Waits until `simulatedMs` of simulated time have passed at the current speed. */
  public async sleep(simulatedMs: number): Promise<void> {
    const realMs = this.toRealMs(simulatedMs);
    if (realMs > 0) await new Promise((resolve) => setTimeout(resolve, realMs));
  }

  private rebase(): void {
    this.anchorSimulated = this.now();
    this.anchorReal = performance.now();
  }
}

function validSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed < 0) throw new Error(`clock speed must be a finite number >= 0, got ${speed}`);
  return speed;
}
