/**
 * A token bucket in simulated time: `ratePerSecond` tokens per simulated second, at most `burst`
 * stored. AWS describes its API throttles as token buckets (a sustained rate plus a burst), e.g.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html#throttling-how.
 */
export class TokenBucket {
  private tokens: number;
  private lastRefill: number | undefined;

  constructor(public readonly ratePerSecond: number, public readonly burst: number) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new Error(`invalid token bucket: rate ${ratePerSecond}/s, burst ${burst}`);
    this.tokens = burst;
  }

  /** Takes one token if available at simulated time `now`. */
  public tryTake(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(now: number): void {
    if (this.lastRefill !== undefined && now > this.lastRefill) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) / 1000) * this.ratePerSecond);
    }
    this.lastRefill = Math.max(now, this.lastRefill ?? now);
  }
}
