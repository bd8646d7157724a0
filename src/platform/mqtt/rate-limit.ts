/**
 * A token bucket per key (a device id): `perMinute` messages a minute on average, bursts up to the
 * same number. Kept in this process only: it protects this instance's ingestion from a flood, and
 * with several instances each sees its own share of a device's messages.
 */
export class DeviceRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; warnedAt: number }>();
  private lastSweep = Date.now();

  constructor(
    private readonly perMinute: number,
    private readonly maxKeys = 500_000,
  ) {}

  /**
   * Takes one token for `key`. `allowed` is false past the limit; `firstRefusal` is true for the
   * first refusal of a minute (that one is worth a dead letter; the others only a count).
   */
  take(key: string, now = Date.now()): { allowed: boolean; firstRefusal: boolean } {
    if (this.perMinute <= 0) return { allowed: true, firstRefusal: false };
    this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.perMinute, at: now, warnedAt: 0 };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, firstRefusal: false };
    }
    const firstRefusal = now - bucket.warnedAt >= 60_000;
    if (firstRefusal) bucket.warnedAt = now;
    return { allowed: false, firstRefusal };
  }

  /** Drops buckets that have refilled (idle for a minute); bounds the map against many ids. */
  private sweep(now: number) {
    if (now - this.lastSweep < 60_000 && this.buckets.size < this.maxKeys) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (now - bucket.at >= 60_000) this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}
