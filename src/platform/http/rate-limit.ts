import { type Kysely, sql } from 'kysely';
import type { PlatformTables } from '../db/types.js';
import { AppError } from './errors.js';

export interface RateLimitResult {
  /** This hit is within the limit. */
  allowed: boolean;
  /** Seconds until the current window ends and the count starts again (at least 1). */
  retryAfter: number;
  /** Hits in the current window, this one included (refused ones count too). */
  hits: number;
}

/** Windows are purged a day after they start, so no window may be longer. */
export const RATE_LIMIT_MAX_WINDOW_SECONDS = 24 * 60 * 60;
const KEY_MAX = 512;

/**
 * Counts one hit on `key` and says whether it is within `limit` hits per `windowSeconds`. The count
 * lives in PostgreSQL (one upsert, atomic under concurrency), so every app instance shares it.
 * Windows are fixed and aligned on the epoch by the database's clock, not the instances' clocks:
 * a client may send up to twice `limit` across a window boundary, which is the price of one row
 * and one statement per hit.
 *
 * Call it with the database itself (autocommit), not inside the request's transaction: a hit
 * must count even when the request then fails and rolls back, and the counter's row stays locked
 * until the transaction that touched it ends.
 *
 * @example
 *   const rate = await hitRateLimit(db.kysely, `reports.create:${communeId}:${request.ip}`, 10, 3600);
 *   if (!rate.allowed) throw tooManyRequests(rate.retryAfter);
 */
export async function hitRateLimit(
  db: Kysely<PlatformTables>,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<RateLimitResult> {
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > RATE_LIMIT_MAX_WINDOW_SECONDS) {
    throw new RangeError(`rate limit window must be 1..${RATE_LIMIT_MAX_WINDOW_SECONDS} whole seconds, not ${windowSeconds}`);
  }
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`rate limit must be a whole number, not ${limit}`);
  if (key.length === 0 || key.length > KEY_MAX) throw new RangeError(`rate limit key must be 1..${KEY_MAX} characters`);
  // statement_timestamp(), not now(): inside a long transaction now() would stay at its start.
  const result = await sql<{ hits: number; retryAfter: number }>`
    INSERT INTO platform.rate_limit AS r (key, window_start, hits)
    VALUES (${key}, to_timestamp(floor(extract(epoch FROM statement_timestamp()) / ${windowSeconds}::int) * ${windowSeconds}::int), 1)
    ON CONFLICT (key, window_start) DO UPDATE SET hits = r.hits + 1
    RETURNING r.hits,
              ceil(extract(epoch FROM r.window_start) + ${windowSeconds}::int - extract(epoch FROM statement_timestamp()))::int AS retry_after`.execute(
    db,
  );
  const row = result.rows[0]!;
  return { allowed: row.hits <= limit, retryAfter: Math.max(1, row.retryAfter), hits: row.hits };
}

/** 429 with a Retry-After header, for a hit `hitRateLimit` refused. */
export const tooManyRequests = (retryAfter: number) =>
  new AppError('rate_limited', 429, 'problem.rate_limited.detail', { seconds: retryAfter }, [], { 'retry-after': String(retryAfter) });

/**
 * Deletes the windows that started more than a day ago (none of them can still be running).
 * Returns how many were deleted. Meant for a periodic job.
 */
export async function purgeRateLimits(db: Kysely<PlatformTables>): Promise<number> {
  const result = await db
    .deleteFrom('platform.rateLimit')
    .where('windowStart', '<', sql<Date>`now() - make_interval(secs => ${RATE_LIMIT_MAX_WINDOW_SECONDS})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
