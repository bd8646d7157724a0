import net from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import type { CheckResult, CredentialChecker } from './credentials.js';
import type { TelemetryMetrics } from './metrics.js';
import { devicePrefix } from './topics.js';

/** The largest payload the embedded broker accepts from a device, in bytes. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

interface DeviceIdentity {
  id: string;
  communeId: string;
  communeCode: string;
  kind: string;
  prefix: string;
}

/** What the embedded broker refused a device, for a dead letter. */
export interface RefusedPublish {
  communeId: string;
  deviceId: string;
  topic: string;
  payload: Buffer;
  reason: 'forbidden_topic' | 'too_large';
  detail: string;
}

export interface BrokerOptions {
  credentials: CredentialChecker;
  metrics: TelemetryMetrics;
  log: { info: (obj: object, msg: string) => void; warn: (obj: object, msg: string) => void };
  onRefusedPublish: (refused: RefusedPublish) => void;
  onDeviceConnected?: (deviceId: string) => void;
}

// aedes hands the hooks its own Client; the platform keeps what it learnt about it here.
const identities = new WeakMap<Client, DeviceIdentity>();
// In-process connections of the platform itself (the ingestion): trusted without credentials.
const internal = new WeakSet<object>();

/** CONNACK return codes (MQTT 3.1.1 §3.2.2.3). */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function refusal(code: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

/**
 * The embedded MQTT broker (aedes on a TCP server) for when no MQTT_URL is set. Devices
 * authenticate with their own credentials (user name = device id = client id); a device may
 * publish only under its own topic prefix and subscribe only to its own commands. The platform's
 * ingestion connects in-process (`internalConnection`) and is trusted.
 */
export class EmbeddedBroker {
  private readonly aedes: Aedes;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    aedes: Aedes,
    private readonly options: BrokerOptions,
  ) {
    this.aedes = aedes;
  }

  static async create(options: BrokerOptions): Promise<EmbeddedBroker> {
    const { metrics } = options;
    let broker: EmbeddedBroker | undefined;
    const aedes = await Aedes.createBroker({
      id: 'madina',
      // A CONNECT must arrive soon after the socket opens (half-open sockets cost memory).
      connectTimeout: 10_000,
      maxClientsIdLength: 64,
      maxTopicLevels: 8,
      authenticate: (client, username, password, done) => {
        if (internal.has(client.conn)) return done(null, true);
        if (typeof username !== 'string' || !password) {
          metrics.connectRefused.inc({ reason: 'no_credentials' });
          return done(refusal(BAD_USERNAME_OR_PASSWORD, 'credentials required'), false);
        }
        if (client.id !== username) {
          metrics.connectRefused.inc({ reason: 'client_id' });
          return done(refusal(IDENTIFIER_REJECTED, 'the client id must be the device id'), false);
        }
        options.credentials.check(username, password.toString('utf8')).then(
          (result: CheckResult) => {
            if (!result.ok) {
              metrics.connectRefused.inc({ reason: result.reason });
              const code = result.reason === 'disabled' ? NOT_AUTHORIZED : BAD_USERNAME_OR_PASSWORD;
              return done(refusal(code, 'refused'), false);
            }
            const d = result.device;
            identities.set(client, { ...d, prefix: devicePrefix(d.communeCode, d.kind, d.id) });
            options.onDeviceConnected?.(d.id);
            done(null, true);
          },
          () => {
            metrics.connectRefused.inc({ reason: 'unavailable' });
            done(refusal(3, 'server unavailable'), false);
          },
        );
      },
      authorizePublish: (client, packet, done) => {
        if (client && internal.has(client.conn)) return done(null);
        const device = client ? identities.get(client) : undefined;
        // A will published after its device left (client null) was checked when it was set.
        if (!client) return done(packet.topic.endsWith('/state') ? null : new Error('not authorized'));
        if (!device) return done(new Error('not authorized'));
        const refuse = (reason: RefusedPublish['reason'], detail: string) => {
          metrics.publishRefused.inc({ reason });
          options.onRefusedPublish({
            communeId: device.communeId,
            deviceId: device.id,
            topic: packet.topic,
            payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
            reason,
            detail,
          });
          done(new Error(reason));
        };
        const channel = packet.topic.startsWith(device.prefix) ? packet.topic.slice(device.prefix.length) : undefined;
        if (channel !== 'telemetry' && channel !== 'state') {
          return refuse('forbidden_topic', `device ${device.id} may publish under ${device.prefix} only`);
        }
        if (packet.payload.length > MAX_PAYLOAD_BYTES) return refuse('too_large', `payload over ${MAX_PAYLOAD_BYTES} bytes`);
        // Readings are not retained: a new subscriber must not take an old reading for news.
        if (channel === 'telemetry') packet.retain = false;
        done(null);
      },
      authorizeSubscribe: (client, subscription: Subscription, done) => {
        if (internal.has(client.conn)) return done(null, subscription);
        const device = identities.get(client);
        if (device && subscription.topic === `${device.prefix}commands`) return done(null, subscription);
        metrics.subscribeRefused.inc();
        done(null, null); // SUBACK 0x80: refused, the connection stays
      },
    });
    broker = new EmbeddedBroker(aedes, options);
    aedes.on('client', () => metrics.brokerClients.set(broker?.deviceCount() ?? 0));
    aedes.on('clientDisconnect', () => metrics.brokerClients.set(broker?.deviceCount() ?? 0));
    // A misbehaving device must never take the process down.
    aedes.on('clientError', () => {});
    aedes.on('connectionError', () => {});
    return broker;
  }

  /** Devices connected (the ingestion is not counted). */
  deviceCount(): number {
    let n = 0;
    for (const client of Object.values((this.aedes as unknown as { clients: Record<string, Client> }).clients)) {
      if (!internal.has(client.conn)) n++;
    }
    return n;
  }

  /** Listens for devices; resolves with the port (useful with port 0). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.setNoDelay(true);
        this.aedes.handle(socket);
      });
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        server.on('error', (error) => this.options.log.warn({ err: error }, 'mqtt: embedded broker socket error'));
        this.server = server;
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** A connection from inside the process (the ingestion), trusted without credentials. */
  internalConnection(): Duplex {
    const toBroker = new PassThrough();
    const toClient = new PassThrough();
    const clientSide = Duplex.from({ readable: toClient, writable: toBroker });
    const brokerSide = Duplex.from({ readable: toBroker, writable: toClient });
    internal.add(brokerSide);
    // Either side closing closes the other, as a socket would.
    const closeBoth = () => {
      if (!clientSide.destroyed) clientSide.destroy();
      if (!brokerSide.destroyed) brokerSide.destroy();
    };
    clientSide.once('close', closeBoth);
    brokerSide.once('close', closeBoth);
    clientSide.on('error', () => {});
    brokerSide.on('error', () => {});
    this.aedes.handle(brokerSide);
    return clientSide;
  }

  /** Disconnects a device at once (it was disabled or its secret replaced). */
  disconnect(deviceId: string): void {
    const client = (this.aedes as unknown as { clients: Record<string, Client | undefined> }).clients[deviceId];
    if (client && !internal.has(client.conn)) client.close();
  }

  /** Publishes as the platform (commands to devices). */
  publish(packet: PublishPacket): Promise<void> {
    return new Promise((resolve, reject) => this.aedes.publish(packet, (error) => (error ? reject(error) : resolve())));
  }

  /** Stops accepting devices and disconnects those connected; the in-process ingestion stays. */
  async closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    await this.closeListener();
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
  }
}
