import { createHash, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { newToken } from '../auth/tokens.js';

// A device secret is 256 random bits, never a word a person chose: no guess gets near it, so the
// stored hash need not be slow to resist guessing — it only keeps a copy of the database from
// handing out working credentials. argon2id at 4 MiB and one pass costs ~2 ms (the staff
// passwords' 19 MiB × 2 costs ~45 ms here), so 3,000 controllers reconnecting after a broker
// restart cost seconds of CPU, not minutes. (`algorithm: 2` is Argon2id.)
const OPTIONS = { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 };

/** A new device secret (shown once to whoever provisions the device) and its hash to store. */
export async function newDeviceSecret(): Promise<{ secret: string; hash: string }> {
  const secret = newToken(32);
  return { secret, hash: await hash(secret, OPTIONS) };
}

export async function hashDeviceSecret(secret: string): Promise<string> {
  return hash(secret, OPTIONS);
}

/** What the broker needs to know about a device that CONNECTs. */
export interface DeviceCredential {
  communeId: string;
  communeCode: string;
  kind: string;
  secretHash: string | null;
  enabled: boolean;
}

export type CheckResult =
  | { ok: true; device: { id: string; communeId: string; communeCode: string; kind: string } }
  | { ok: false; reason: 'unknown_device' | 'bad_secret' | 'not_provisioned' | 'disabled' };

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Checks device credentials at CONNECT, with a short memory: a verified (id, secret) pair is
 * accepted again without the database or argon2 for `ttlMs`, and a refused pair is refused again
 * at once for `refusalTtlMs`, so a reconnect storm — or a device retrying a wrong secret in a loop
 * — does not pin the CPU. At most `parallel` argon2 verifications run at a time.
 */
export class CredentialChecker {
  private readonly accepted = new Map<string, { digest: Buffer; result: CheckResult & { ok: true }; until: number }>();
  private readonly refused = new Map<string, { result: CheckResult & { ok: false }; until: number }>();
  private running = 0;
  private readonly queue: (() => void)[] = [];
  /** Look-ups waiting for the next batch (one statement for every device connecting meanwhile). */
  private wanted = new Map<string, { resolve: (c: DeviceCredential | undefined) => void; reject: (e: unknown) => void }[]>();
  private lookupTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly lookupMany: (deviceIds: string[]) => Promise<Map<string, DeviceCredential>>,
    private readonly options: { ttlMs: number; refusalTtlMs: number; parallel: number; maxEntries: number } = {
      ttlMs: 60_000,
      refusalTtlMs: 10_000,
      parallel: 2,
      maxEntries: 100_000,
    },
  ) {}

  async check(deviceId: string, secret: string): Promise<CheckResult> {
    const now = Date.now();
    const digest = sha256(secret);
    const hit = this.accepted.get(deviceId);
    if (hit && hit.until > now && timingSafeEqual(hit.digest, digest)) return hit.result;
    const refusalKey = `${deviceId}\n${digest.toString('base64')}`;
    const no = this.refused.get(refusalKey);
    if (no && no.until > now) return no.result;

    const result = await this.verify(deviceId, secret);
    this.trim();
    if (result.ok) this.accepted.set(deviceId, { digest, result, until: Date.now() + this.options.ttlMs });
    else this.refused.set(refusalKey, { result, until: Date.now() + this.options.refusalTtlMs });
    return result;
  }

  /** Forgets a device at once (disabled, or its secret replaced). */
  forget(deviceId: string): void {
    this.accepted.delete(deviceId);
    for (const key of this.refused.keys()) if (key.startsWith(`${deviceId}\n`)) this.refused.delete(key);
  }

  /** Finds a device's credential, together with those of the devices connecting at the same moment. */
  private lookup(deviceId: string): Promise<DeviceCredential | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.wanted.get(deviceId) ?? [];
      waiting.push({ resolve, reject });
      this.wanted.set(deviceId, waiting);
      this.lookupTimer ??= setTimeout(() => {
        const batch = this.wanted;
        this.wanted = new Map();
        this.lookupTimer = undefined;
        this.lookupMany([...batch.keys()]).then(
          (found) => {
            for (const [id, waiters] of batch) for (const w of waiters) w.resolve(found.get(id));
          },
          (error) => {
            for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
          },
        );
      }, 5);
    });
  }

  private async verify(deviceId: string, secret: string): Promise<CheckResult> {
    const found = await this.lookup(deviceId);
    if (!found) return { ok: false, reason: 'unknown_device' };
    if (!found.secretHash) return { ok: false, reason: 'not_provisioned' };
    const good = await this.limited(() => verify(found.secretHash as string, secret).catch(() => false));
    if (!good) return { ok: false, reason: 'bad_secret' };
    if (!found.enabled) return { ok: false, reason: 'disabled' };
    return { ok: true, device: { id: deviceId, communeId: found.communeId, communeCode: found.communeCode, kind: found.kind } };
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.options.parallel) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  private trim() {
    if (this.accepted.size + this.refused.size < this.options.maxEntries) return;
    const now = Date.now();
    for (const [key, entry] of this.accepted) if (entry.until <= now) this.accepted.delete(key);
    for (const [key, entry] of this.refused) if (entry.until <= now) this.refused.delete(key);
    // Still full (a flood of distinct refused pairs): drop the refusals, keep the devices.
    if (this.accepted.size + this.refused.size >= this.options.maxEntries) this.refused.clear();
  }
}
