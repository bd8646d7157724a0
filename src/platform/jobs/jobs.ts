import { hostname } from 'node:os';
import { Cron } from 'croner';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { isDatabaseUnavailable } from '../db/errors.js';
import type { Tx } from '../db/tenant.js';

export interface NewJob {
  kind: string;
  payload?: Record<string, unknown>;
  communeId?: string | null;
  runAt?: Date;
  /** At most one job with this key ever exists (e.g. one per schedule tick across instances). */
  dedupeKey?: string;
  maxAttempts?: number;
}

export interface ClaimedJob {
  id: string;
  kind: string;
  communeId: string | null;
  payload: Record<string, unknown>;
  attempts: number;
}

export type JobHandler = (job: ClaimedJob) => Promise<void>;

/** Queues a job inside the caller's transaction: it exists exactly when the change that needs it commits. */
export async function enqueue(trx: Tx | Database['kysely'], job: NewJob): Promise<void> {
  await trx
    .insertInto('platform.job')
    .values({
      kind: job.kind,
      payload: JSON.stringify(job.payload ?? {}),
      communeId: job.communeId ?? null,
      runAt: job.runAt ?? new Date(),
      dedupeKey: job.dedupeKey ?? null,
      maxAttempts: job.maxAttempts ?? 5,
    })
    .onConflict((oc) => oc.column('dedupeKey').doNothing())
    .execute();
}

const LEASE_SECONDS = 300;

/**
 * Drains the job table: each instance claims one job at a time with FOR UPDATE SKIP LOCKED, so a
 * job runs on exactly one instance; a job whose instance died is taken again once its lease ends.
 * Failures retry with exponential back-off up to the job's max attempts.
 */
export class JobRunner {
  private handlers = new Map<string, JobHandler>();
  private schedules: { pattern: string; kind: string }[] = [];
  private crons: Cron[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  /** Set by `stop`: a drain in progress ends after the job in hand (a drain without `start` runs to the end). */
  private stopping = false;
  readonly workerId = `${hostname()}:${process.pid}`;

  constructor(
    private readonly db: Database,
    private readonly log: { error: (obj: object, msg: string) => void },
    private readonly pollMs = 1000,
  ) {}

  handle(kind: string, handler: JobHandler) {
    this.handlers.set(kind, handler);
  }

  /** Queues `kind` on a cron pattern, once per tick across all instances (deduplicated by tick). */
  schedule(pattern: string, kind: string) {
    this.schedules.push({ pattern, kind });
  }

  start() {
    this.stopped = false;
    this.stopping = false;
    this.crons = this.schedules.map(
      ({ pattern, kind }) =>
        new Cron(pattern, { protect: true }, async (self: Cron) => {
          const tick = self.currentRun()?.toISOString() ?? new Date().toISOString();
          await enqueue(this.db.kysely, { kind, dedupeKey: `${kind}@${tick}`, maxAttempts: 1 }).catch((err) =>
            this.log.error({ err }, `could not schedule ${kind}`),
          );
        }),
    );
    this.loop();
  }

  private loop() {
    if (this.stopped) return;
    this.running = this.drain()
      .then(() => undefined)
      .catch((err) => {
        if (!isDatabaseUnavailable(err)) this.log.error({ err }, 'job runner failed');
      })
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(() => this.loop(), this.pollMs);
      });
  }

  /** Runs jobs until none is ready. */
  async drain(): Promise<number> {
    let count = 0;
    for (;;) {
      const job = await this.claim();
      if (!job) break;
      await this.run(job);
      count++;
      if (this.stopping) break;
    }
    return count;
  }

  private async claim(): Promise<ClaimedJob | undefined> {
    const kinds = [...this.handlers.keys()];
    if (kinds.length === 0) return undefined;
    const result = await sql<ClaimedJob>`
      UPDATE platform.job SET state = 'running', attempts = attempts + 1, locked_by = ${this.workerId},
             locked_until = now() + make_interval(secs => ${LEASE_SECONDS})
       WHERE id = (SELECT id FROM platform.job
                    WHERE kind = ANY(${kinds}::text[])
                      AND ((state = 'queued' AND run_at <= now()) OR (state = 'running' AND locked_until < now()))
                    ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, commune_id, payload, attempts`.execute(this.db.kysely);
    return result.rows[0];
  }

  private async run(job: ClaimedJob) {
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for ${job.kind}`);
      await handler(job);
      await this.db.kysely
        .updateTable('platform.job')
        .set({ state: 'done', finishedAt: new Date(), lockedUntil: null, lastError: null })
        .where('id', '=', job.id)
        .execute();
    } catch (err) {
      this.log.error({ err, job: job.id, kind: job.kind }, 'job failed');
      await sql`
        UPDATE platform.job
           SET state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
               run_at = now() + make_interval(secs => least(3600, 5 * power(2, attempts))),
               finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
               locked_until = NULL, last_error = ${String((err as Error).message).slice(0, 2000)}
         WHERE id = ${job.id}`.execute(this.db.kysely);
    }
  }

  /** Stops claiming, lets the job in hand finish. */
  async stop() {
    this.stopped = true;
    this.stopping = true;
    for (const cron of this.crons) cron.stop();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
