import type { Config } from '../../config.js';
import type { Database } from '../db/database.js';
import type { JobRunner } from '../jobs/jobs.js';
import { EmbeddedBroker } from './broker.js';
import { CredentialChecker } from './credentials.js';
import { deviceCredentials, recordConnected } from './devices.repository.js';
import { Ingestion } from './ingestion.js';
import { type DeviceKind, DeviceKindRegistry, type StoredListener, type TelemetryEnvelope } from './kinds.js';
import { createTelemetryMetrics, type TelemetryMetrics } from './metrics.js';
import { MqttSession, type PublishOptions, urlCredentials, urlTransport } from './session.js';
import { ingestionTopics } from './topics.js';
import { ensurePartitions, partitionedTables, purgeDeadLetters } from './writer.js';

export interface TelemetryLog {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
  error: (obj: object, msg: string) => void;
}

/** What `/ready` reports about MQTT (it never turns `/ready` 503: HTTP works without MQTT). */
export interface TelemetryStatus {
  broker: 'embedded' | 'external';
  /** The embedded broker: listening on `port`, not started, or failed (e.g. the port is taken). */
  listener?: { state: 'listening' | 'stopped' | 'failed'; port?: number; error?: string };
  ingestion: 'connected' | 'connecting' | 'stopped';
}

const MONTH_MS = 31 * 86_400_000;

/**
 * The shared telemetry layer, one per process: the device kinds modules register, the embedded
 * broker (unless MQTT_URL names one), the ingestion's persistent MQTT session, and the upkeep of
 * the monthly partitions and dead letters. `start` after the migrations, `stop` before the database.
 */
export class TelemetryService {
  readonly kinds = new DeviceKindRegistry();
  readonly metrics: TelemetryMetrics = createTelemetryMetrics();
  private readonly credentials: CredentialChecker;
  private broker: EmbeddedBroker | undefined;
  private session: MqttSession | undefined;
  private ingestion: Ingestion | undefined;
  private listener: TelemetryStatus['listener'];
  private running = false;
  private connectedIds = new Set<string>();
  private connectedTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: Config,
    private readonly db: Database,
    private readonly log: TelemetryLog,
  ) {
    this.credentials = new CredentialChecker((ids) => deviceCredentials(db, ids));
  }

  /** Registers a module's device kind (its payload schema, reading table and mappers). */
  registerKind<P extends TelemetryEnvelope>(kind: DeviceKind<P>): void {
    this.kinds.register(kind);
  }

  /** Listens to the readings a batch stored for a kind, inside the batch's transaction (see StoredListener). */
  onStored(kind: string, listener: StoredListener): void {
    this.kinds.onStored(kind, listener);
  }

  /** The daily upkeep (partitions ahead, old dead letters) as a job every instance may run once. */
  registerJobs(jobs: JobRunner): void {
    jobs.handle('platform.telemetry_upkeep', async () => {
      await this.maintainPartitions();
      await purgeDeadLetters(this.db, this.config.telemetryDeadLetterDays);
    });
    jobs.schedule('17 3 * * *', 'platform.telemetry_upkeep');
  }

  /** Creates the partitions of last month, this month and the next two for every registered table. */
  async maintainPartitions(now = new Date()): Promise<number> {
    let created = 0;
    for (const table of await partitionedTables(this.db)) {
      created += await ensurePartitions(this.db, table, new Date(now.getTime() - MONTH_MS), new Date(now.getTime() + 2 * MONTH_MS));
    }
    return created;
  }

  /** Starts the embedded broker (or reaches MQTT_URL) and the ingestion. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.maintainPartitions().catch((error) => this.log.error({ err: error }, 'telemetry: could not create the partitions ahead'));
    const c = this.config;
    // PostgreSQL: a few batches in flight on their own connections, leaving the rest of the pool to HTTP.
    const concurrency = this.db.kind === 'postgres' ? Math.max(1, Math.min(3, c.dbPoolSize - 2)) : 1;
    // Enough unacknowledged messages for every batch in flight and the next ones filling, no more:
    // Mosquitto finds each PUBACK in its in-flight list, so an oversized window costs it.
    const inflightWindow = Math.min(65_535, Math.max(1000, c.telemetryBatchSize * (concurrency + 2)));
    const ingestion = new Ingestion({
      db: this.db,
      kinds: this.kinds,
      metrics: this.metrics,
      log: this.log,
      batchSize: c.telemetryBatchSize,
      batchMs: c.telemetryBatchMs,
      pastMs: c.telemetryPastHours * 3_600_000,
      futureMs: c.telemetryFutureSeconds * 1000,
      rateLimitPerMinute: c.telemetryRateLimit,
      concurrency,
    });
    this.ingestion = ingestion;

    let connect: () => import('node:stream').Duplex;
    let credentials: { username?: string; password?: string } = {};
    if (c.mqttUrl) {
      connect = urlTransport(c.mqttUrl);
      credentials = urlCredentials(c.mqttUrl);
    } else {
      const broker = await EmbeddedBroker.create({
        credentials: this.credentials,
        metrics: this.metrics,
        log: this.log,
        onRefusedPublish: (r) =>
          ingestion.reject(r.topic, r.payload, { reason: r.reason, detail: r.detail, communeId: r.communeId, deviceId: r.deviceId }),
        onDeviceConnected: (id) => this.connectedSoon(id),
      });
      this.broker = broker;
      connect = () => broker.internalConnection();
      try {
        const port = await broker.listen(c.mqttPort, c.mqttHost);
        this.listener = { state: 'listening', port };
        this.log.info({ port, host: c.mqttHost }, 'mqtt: embedded broker listening');
      } catch (error) {
        // HTTP keeps working: devices cannot connect until the port is freed and the server restarted.
        this.listener = { state: 'failed', error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
        this.log.error({ err: error }, `mqtt: the embedded broker cannot listen on ${c.mqttHost}:${c.mqttPort}; devices cannot connect`);
      }
    }
    this.session = new MqttSession({
      connect,
      clientId: c.mqttClientId,
      ...credentials,
      // aedes speaks MQTT 3.1.1; an external broker gets MQTT 5 (session expiry, receive maximum).
      protocolVersion: c.mqttUrl ? 5 : 4,
      keepaliveSeconds: 30,
      topics: ingestionTopics(c.mqttShareGroup),
      receiveMaximum: inflightWindow,
      maxPending: inflightWindow + c.telemetryBatchSize,
      onMessage: (topic, payload, ack) => ingestion.accept(topic, payload, ack),
      onConnect: () => {
        this.metrics.ingestionConnected.set(1);
        this.metrics.ingestionConnects.inc();
      },
      onDisconnect: (error) => {
        this.metrics.ingestionConnected.set(0);
        if (this.running) this.log.warn({ err: error }, 'mqtt: the ingestion lost the broker; reconnecting');
      },
      log: this.log,
    });
    this.session.start();
  }

  /**
   * Stops taking devices, writes what was received (up to `drainMs`), leaves the broker, closes.
   * Messages not written in time stay unacknowledged: an external broker delivers them again.
   */
  async stop(drainMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.broker?.closeListener();
    if (this.ingestion) {
      const ingestion = this.ingestion;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([ingestion.drain(), new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
      clearTimeout(timer);
      ingestion.stop();
    }
    await this.session?.stop();
    await this.flushConnected();
    // aedes waits for every client to close; a stuck one must not hold the shutdown.
    if (this.broker) await Promise.race([this.broker.close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    this.metrics.ingestionConnected.set(0);
    this.broker = undefined;
    this.session = undefined;
    if (this.listener) this.listener = { state: 'stopped' };
  }

  /** Records devices' connection times once a second, in one statement. */
  private connectedSoon(id: string) {
    this.connectedIds.add(id);
    this.connectedTimer ??= setTimeout(() => this.flushConnected(), 1000);
  }

  private async flushConnected() {
    clearTimeout(this.connectedTimer);
    this.connectedTimer = undefined;
    if (this.connectedIds.size === 0) return;
    const ids = [...this.connectedIds];
    this.connectedIds = new Set();
    await recordConnected(this.db, ids).catch((error) => this.log.warn({ err: error }, 'telemetry: could not record device connections'));
  }

  status(): TelemetryStatus {
    return {
      broker: this.config.mqttUrl ? 'external' : 'embedded',
      ...(this.config.mqttUrl ? {} : { listener: this.listener ?? { state: 'stopped' } }),
      ingestion: !this.running ? 'stopped' : this.session?.connected ? 'connected' : 'connecting',
    };
  }

  /** The embedded broker's port once it listens. */
  get port(): number | undefined {
    return this.listener?.state === 'listening' ? this.listener.port : undefined;
  }

  /**
   * Publishes as the platform through the ingestion's session, on the embedded broker or MQTT_URL
   * alike (e.g. a retained QoS 1 command to a device's `…/commands` topic). Resolves once the
   * broker acknowledged it (QoS 1); rejects when the broker is not reachable now.
   */
  publish(topic: string, payload: Buffer | string, options: PublishOptions): Promise<void> {
    if (!this.session) return Promise.reject(new Error('mqtt: telemetry is not started'));
    return this.session.publish(topic, payload, options);
  }

  /** A device was disabled or given a new secret: refuse its old credentials now and drop its connection. */
  forgetDevice(id: string): void {
    this.credentials.forget(id);
    this.ingestion?.forget(id);
    this.broker?.disconnect(id);
  }
}
