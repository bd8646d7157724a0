import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { sqlState } from '../db/errors.js';
import { MAX_PAYLOAD_BYTES } from './broker.js';
import { devicesForIngestion, type IngestionDevice } from './devices.repository.js';
import { type CompiledKind, type DeviceKindRegistry, describeErrors, type TelemetryEnvelope } from './kinds.js';
import type { TelemetryMetrics } from './metrics.js';
import { DeviceRateLimiter } from './rate-limit.js';
import { type DeviceTopic, parseTopic } from './topics.js';
import { type BatchWrite, type CommuneWrite, type DeadLetterRow, ensurePartitions, type ReadingRow, writeBatch } from './writer.js';

/** Why a message became a dead letter (platform.dead_letter.reason). */
export type DeadLetterReason =
  | 'bad_topic'
  | 'too_large'
  | 'invalid_json'
  | 'invalid_payload'
  | 'timestamp_out_of_range'
  | 'unknown_device'
  | 'disabled_device'
  | 'foreign_topic'
  | 'forbidden_topic'
  | 'rate_limited'
  | 'storage_error';

export interface IngestionOptions {
  db: Database;
  kinds: DeviceKindRegistry;
  metrics: TelemetryMetrics;
  log: { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };
  batchSize: number;
  batchMs: number;
  pastMs: number;
  futureMs: number;
  rateLimitPerMinute: number;
  /**
   * Batches written at once, each on its own connection (PostgreSQL: while one commits, the next
   * is built and sent). Acknowledgements still leave in arrival order. PGlite: 1 (one session).
   */
  concurrency?: number;
}

interface Entry {
  topic: string;
  payload: Buffer;
  receivedAt: Date;
  ack: () => void;
  parsed: DeviceTopic | undefined;
  json?: unknown;
  /** Refused before the batch (topic, size, JSON, flood): the reason and detail of its dead letter. */
  failure?: { reason: DeadLetterReason; detail: string; communeId?: string; deviceId?: string };
  /** Dropped without a dead letter: a flood past its first refusal of the minute (or a message even its dead letter could not hold). */
  dropped?: 'rate_limited' | 'storage_error';
}

const EXCERPT_BYTES = 512;
const DEVICE_TTL_MS = 30_000;
const UNKNOWN_DEVICE_TTL_MS = 5_000;
const COMMUNES_TTL_MS = 60_000;

/** Text a database column can hold: PostgreSQL text refuses NUL (a device's bytes may hold any). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what PostgreSQL text refuses
const storable = (text: string, max: number) => text.slice(0, max).replace(/\u0000/g, '\uFFFD');

/** The first bytes of a payload as text (broken UTF-8 and NUL replaced). */
export function excerpt(payload: Buffer): string {
  return storable(payload.subarray(0, EXCERPT_BYTES).toString('utf8'), EXCERPT_BYTES);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A database error about the data itself (not about reaching the database). */
function isDataError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23')) && !isMissingPartition(error);
}

function isMissingPartition(error: unknown): boolean {
  return sqlState(error) === '23514' && /no partition of relation/i.test((error as Error).message);
}

/**
 * The ingestion pipeline: takes each MQTT message with its acknowledgement, checks it, and writes
 * messages in batches (up to `batchSize` messages or `batchMs` after the first), one transaction
 * per batch; a message is acknowledged only once the transaction holding its reading — or its
 * dead letter — committed. Nothing a device sends can make it throw.
 */
export class Ingestion {
  private batch: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly flushes = new Set<Promise<void>>();
  private pendingCount = 0;
  private receivedCounts = new Map<string, number>();
  /** The oldest message waiting has waited `batchMs`: write a batch even if it is not full. */
  private due = false;
  private readonly limiter: DeviceRateLimiter;
  private readonly devices = new Map<string, { device: IngestionDevice | undefined; until: number }>();
  private communes: { byCode: Map<string, string>; until: number } = { byCode: new Map(), until: 0 };
  private stopped = false;

  constructor(private readonly o: IngestionOptions) {
    this.limiter = new DeviceRateLimiter(o.rateLimitPerMinute);
  }

  /** Takes one message; `ack` is called once it is safely stored (or dead-lettered, or dropped). */
  accept(topic: string, payload: Buffer, ack: () => void): void {
    const entry: Entry = { topic, payload, receivedAt: new Date(), ack, parsed: parseTopic(topic) };
    const { parsed } = entry;
    // Counted here, handed to the metrics once per batch (labelled counters cost a hash per call).
    this.pendingCount++;
    const kind = parsed && this.o.kinds.get(parsed.kind) ? parsed.kind : 'other';
    this.receivedCounts.set(kind, (this.receivedCounts.get(kind) ?? 0) + 1);
    const limit = this.limiter.take(parsed ? parsed.deviceId : `topic:${topic.slice(0, 200)}`);
    if (!limit.allowed) {
      if (limit.firstRefusal) {
        entry.failure = {
          reason: 'rate_limited',
          detail: `over ${this.o.rateLimitPerMinute} messages a minute: the rest of this minute's are dropped and counted`,
        };
      } else entry.dropped = 'rate_limited';
    } else if (parsed?.channel !== 'telemetry') {
      entry.failure = { reason: 'bad_topic', detail: 'expected madina/{commune}/{kind}/{deviceId}/telemetry' };
    } else if (payload.length > MAX_PAYLOAD_BYTES) {
      entry.failure = { reason: 'too_large', detail: `payload over ${MAX_PAYLOAD_BYTES} bytes` };
    } else {
      try {
        entry.json = JSON.parse(payload.toString('utf8'));
      } catch (error) {
        entry.failure = { reason: 'invalid_json', detail: (error as Error).message.slice(0, 200) };
      }
    }
    this.batch.push(entry);
    if (this.batch.length >= this.o.batchSize) this.kick();
    else this.arm();
  }

  /** A dead letter from the broker (a device it refused); no acknowledgement waits on it. */
  reject(topic: string, payload: Buffer, failure: NonNullable<Entry['failure']>): void {
    this.pendingCount++;
    const dropped = this.limiter.take(failure.deviceId ?? `topic:${topic.slice(0, 200)}`).allowed ? undefined : 'rate_limited';
    this.batch.push({ topic, payload, receivedAt: new Date(), ack: () => {}, parsed: undefined, failure, dropped });
    this.arm();
  }

  /** Forgets what it knew of a device (disabled or moved): the next message looks it up again. */
  forget(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  /** Writes everything received so far and waits for it (shutdown). */
  async drain(): Promise<void> {
    while (this.batch.length > 0 || this.flushes.size > 0) {
      this.due = true;
      this.kick();
      await Promise.race(this.flushes);
    }
  }

  /** Stops retrying a batch the database refuses (shutdown): its messages stay unacknowledged. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm() {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.due = true;
      this.kick();
    }, this.o.batchMs);
  }

  /** Starts writing batches while there is room: full ones at once, a partial one when it is due. */
  private kick() {
    for (const [kind, n] of this.receivedCounts) this.o.metrics.received.inc({ kind }, n);
    this.receivedCounts.clear();
    this.o.metrics.pending.set(this.pendingCount);
    const concurrency = this.o.concurrency ?? 1;
    while (this.flushes.size < concurrency && this.batch.length > 0 && (this.due || this.batch.length >= this.o.batchSize)) {
      const entries = this.batch.splice(0, this.o.batchSize);
      const flush: Promise<void> = this.flush(entries).finally(() => {
        this.flushes.delete(flush);
        this.kick();
      });
      this.flushes.add(flush);
    }
    if (this.batch.length === 0) {
      this.due = false;
      clearTimeout(this.timer);
      this.timer = undefined;
    } else if (!this.due) this.arm();
  }

  private async flush(entries: Entry[]): Promise<void> {
    const started = performance.now();
    this.o.metrics.batchMessages.observe(entries.length);
    let backoff = 100;
    for (;;) {
      try {
        const write = await this.classify(entries);
        const written = await writeBatch(this.o.db, write);
        this.done(entries, write, written);
        break;
      } catch (error) {
        if (isMissingPartition(error)) {
          this.o.metrics.writeErrors.inc({ action: 'partition' });
          await this.createPartitions(entries).catch((e) => this.o.log.error({ err: e }, 'telemetry: could not create a partition'));
          continue;
        }
        if (isDataError(error)) {
          this.o.metrics.writeErrors.inc({ action: 'split' });
          this.o.log.warn({ err: error }, 'telemetry: a batch was refused by the database; writing it message by message');
          await this.oneByOne(entries);
          break;
        }
        this.o.metrics.writeErrors.inc({ action: 'retry' });
        if (this.stopped) return; // unacknowledged: the broker delivers them again
        this.o.log.warn({ err: error }, `telemetry: writing a batch failed; retrying in ${backoff} ms`);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
      }
    }
    this.o.metrics.batchSeconds.observe((performance.now() - started) / 1000);
  }

  /** Each message in its own transaction; one the database still refuses becomes a storage_error dead letter. */
  private async oneByOne(entries: Entry[]) {
    for (const entry of entries) {
      for (let attempt = 0; ; attempt++) {
        try {
          const write = await this.classify([entry]);
          this.done([entry], write, await writeBatch(this.o.db, write));
          break;
        } catch (error) {
          if (isMissingPartition(error) && attempt < 3) {
            await this.createPartitions([entry]).catch(() => {});
            continue;
          }
          if (isDataError(error) || attempt >= 3) {
            if (entry.failure?.reason === 'storage_error') {
              // Even its dead letter is refused: give up on this one message, loudly.
              this.o.log.error({ err: error, topic: entry.topic }, 'telemetry: a message could not be stored nor dead-lettered; dropped');
              entry.dropped = 'storage_error';
              this.done([entry], { byCommune: new Map(), unattributed: [] }, new Map());
              break;
            }
            entry.failure = { reason: 'storage_error', detail: `${sqlState(error) ?? 'error'}: ${(error as Error).message}`.slice(0, 300) };
            continue;
          }
          if (this.stopped) return;
          attempt--; // unreachable database: wait for it, this message keeps its place
          await sleep(500);
        }
      }
    }
  }

  private done(entries: Entry[], write: BatchWrite, written: Map<string, number>) {
    const readings = new Map<string, number>();
    const letter = (reason: string) => {
      this.o.metrics.deadLetters.inc({ reason });
      this.o.metrics.rejected.inc({ reason });
    };
    for (const [, w] of write.byCommune) {
      for (const [kind, rows] of w.readings) readings.set(kind.kind, (readings.get(kind.kind) ?? 0) + rows.length);
      for (const d of w.deadLetters) letter(d.reason);
    }
    for (const d of write.unattributed) letter(d.reason);
    for (const entry of entries) if (entry.dropped) this.o.metrics.rejected.inc({ reason: entry.dropped });
    for (const [kind, n] of readings) {
      const stored = written.get(kind) ?? 0;
      this.o.metrics.stored.inc({ kind }, stored);
      if (n > stored) this.o.metrics.duplicates.inc({ kind }, n - stored);
    }
    for (const entry of entries) entry.ack();
    this.pendingCount -= entries.length;
    this.o.metrics.pending.set(this.pendingCount);
  }

  private async createPartitions(entries: Entry[]) {
    const ranges = new Map<string, { from: number; to: number }>();
    for (const entry of entries) {
      const kind = entry.parsed ? this.o.kinds.get(entry.parsed.kind) : undefined;
      const at = Date.parse((entry.json as TelemetryEnvelope | undefined)?.observationDateTime ?? '');
      if (!kind || Number.isNaN(at)) continue;
      const r = ranges.get(kind.table) ?? { from: at, to: at };
      ranges.set(kind.table, { from: Math.min(r.from, at), to: Math.max(r.to, at) });
    }
    for (const [table, r] of ranges) await ensurePartitions(this.o.db, table, new Date(r.from), new Date(r.to));
  }

  private async resolveDevices(ids: Set<string>) {
    const now = Date.now();
    const missing = [...ids].filter((id) => (this.devices.get(id)?.until ?? 0) <= now);
    if (missing.length === 0) return;
    const found = new Map((await devicesForIngestion(this.o.db, missing)).map((d) => [d.id, d]));
    if (this.devices.size > 1_000_000) this.devices.clear();
    for (const id of missing) {
      const device = found.get(id);
      this.devices.set(id, { device, until: now + (device ? DEVICE_TTL_MS : UNKNOWN_DEVICE_TTL_MS) });
    }
  }

  private async communeId(code: string): Promise<string | undefined> {
    const age = Date.now() - (this.communes.until - COMMUNES_TTL_MS);
    // Reloaded every minute, and at most every 5 s while a topic names a commune it does not know.
    if (age >= COMMUNES_TTL_MS || (!this.communes.byCode.has(code) && age >= 5000)) {
      const { rows } = await sql<{ id: string; code: string }>`SELECT id, code FROM platform.commune`.execute(this.o.db.kysely);
      this.communes = { byCode: new Map(rows.map((r) => [r.code, r.id])), until: Date.now() + COMMUNES_TTL_MS };
    }
    return this.communes.byCode.get(code);
  }

  /** Sorts a batch's messages into readings, states and dead letters, per commune. */
  private async classify(entries: Entry[]): Promise<BatchWrite> {
    const ids = new Set<string>();
    for (const e of entries) if (!e.failure && !e.dropped && e.parsed) ids.add(e.parsed.deviceId);
    await this.resolveDevices(ids);

    const write: BatchWrite = { byCommune: new Map(), unattributed: [] };
    const group = (communeId: string): CommuneWrite => {
      let g = write.byCommune.get(communeId);
      if (!g) {
        g = { readings: new Map(), states: [], deadLetters: [] };
        write.byCommune.set(communeId, g);
      }
      return g;
    };
    const newest = new Map<string, { communeId: string; observed: number; state: CommuneWrite['states'][number] }>();
    const now = Date.now();

    for (const entry of entries) {
      if (entry.dropped) continue;
      const failure = entry.failure ?? this.check(entry, now);
      if ('reason' in failure) {
        const communeId =
          failure.communeId ??
          (entry.parsed ? this.devices.get(entry.parsed.deviceId)?.device?.communeId : undefined) ??
          (entry.parsed ? await this.communeId(entry.parsed.commune) : undefined);
        const deviceId = failure.deviceId ?? entry.parsed?.deviceId;
        const letter: DeadLetterRow = {
          topic: storable(entry.topic, 500),
          deviceId: deviceId === undefined ? null : storable(deviceId, 64),
          reason: failure.reason,
          detail: storable(failure.detail, 300),
          payloadExcerpt: excerpt(entry.payload),
          payloadBytes: entry.payload.length,
          receivedAt: entry.receivedAt.toISOString(),
        };
        if (communeId) group(communeId).deadLetters.push(letter);
        else write.unattributed.push(letter);
        continue;
      }
      const { kind, device, payload, observed, row } = failure;
      const g = group(device.communeId);
      let rows = g.readings.get(kind);
      if (!rows) {
        rows = [];
        g.readings.set(kind, rows);
      }
      rows.push(row);
      const previous = newest.get(device.id);
      if (!previous || previous.observed < observed) {
        const data = kind.toState
          ? kind.toState(payload)
          : Object.fromEntries(kind.columns.map(([name], i) => [name, row.values[i] ?? null]));
        newest.set(device.id, {
          communeId: device.communeId,
          observed,
          state: { deviceId: device.id, kind: kind.kind, observedAt: row.observedAt, receivedAt: row.receivedAt, data },
        });
      }
    }
    for (const { communeId, state } of newest.values()) group(communeId).states.push(state);
    return write;
  }

  /** Checks one message against its device and its kind; a failure, or what to store. */
  private check(
    entry: Entry,
    now: number,
  ):
    | NonNullable<Entry['failure']>
    | { kind: CompiledKind; device: IngestionDevice; payload: TelemetryEnvelope; observed: number; row: ReadingRow } {
    const parsed = entry.parsed as DeviceTopic;
    const kind = this.o.kinds.get(parsed.kind);
    if (!kind) return { reason: 'bad_topic', detail: `no device kind "${parsed.kind}"` };
    const device = this.devices.get(parsed.deviceId)?.device;
    if (!device) return { reason: 'unknown_device', detail: `no device "${parsed.deviceId}"` };
    if (!device.enabled) return { reason: 'disabled_device', detail: `device "${device.id}" is disabled`, communeId: device.communeId };
    if (device.communeCode !== parsed.commune || device.kind !== parsed.kind) {
      return {
        reason: 'foreign_topic',
        detail: `device "${device.id}" is a ${device.kind} of ${device.communeCode}, not a ${parsed.kind} of ${parsed.commune}`,
        communeId: device.communeId,
      };
    }
    const payload = entry.json;
    if (!kind.validate(payload))
      return { reason: 'invalid_payload', detail: describeErrors(kind.validate.errors), communeId: device.communeId };
    const envelope = payload as TelemetryEnvelope;
    if (envelope.deviceId !== device.id) {
      return {
        reason: 'foreign_topic',
        detail: `device "${envelope.deviceId}" published on the topic of "${device.id}"`,
        communeId: device.communeId,
      };
    }
    const observed = Date.parse(envelope.observationDateTime);
    if (Number.isNaN(observed) || observed < now - this.o.pastMs || observed > now + this.o.futureMs) {
      return {
        reason: 'timestamp_out_of_range',
        detail: `observationDateTime ${envelope.observationDateTime} is outside the accepted window`,
        communeId: device.communeId,
      };
    }
    let values: unknown[];
    try {
      values = kind.toRow(envelope);
    } catch (error) {
      return { reason: 'invalid_payload', detail: (error as Error).message.slice(0, 200), communeId: device.communeId };
    }
    return {
      kind,
      device,
      payload: envelope,
      observed,
      row: { deviceId: device.id, observedAt: new Date(observed).toISOString(), receivedAt: entry.receivedAt.toISOString(), values },
    };
  }
}
