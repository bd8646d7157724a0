import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import mqttPacket, { type IPublishPacket, type Packet } from 'mqtt-packet';

/**
 * The ingestion's MQTT connection: a persistent session (clean: false, a fixed client id) that
 * subscribes with QoS 1 and acknowledges each message only when told to — after the transaction
 * that stored it committed. PUBACKs leave in the order the messages came (MQTT 3.1.1 §4.6), so a
 * message is acknowledged once it and every message before it are done.
 *
 * Why not mqtt.js: its client handles incoming packets one at a time and waits for the
 * acknowledgement callback (`customHandleAcks`) before reading the next, so acknowledging after a
 * batch commit would mean one message per transaction. This speaks MQTT through mqtt-packet (the
 * parser and generator mqtt.js and aedes both use) and keeps many messages in flight.
 */
export interface SessionOptions {
  /** A new transport for each connection attempt. */
  connect: () => Duplex;
  clientId: string;
  username?: string;
  password?: string;
  protocolVersion: 4 | 5;
  keepaliveSeconds: number;
  topics: string[];
  /** Called for each message; `ack` marks it done (QoS 0: ignored). */
  onMessage: (topic: string, payload: Buffer, ack: () => void) => void;
  onConnect?: () => void;
  onDisconnect?: (error: Error | undefined) => void;
  /** Above this many unacknowledged messages the session stops reading (the broker holds the rest). */
  maxPending: number;
  /**
   * MQTT 5: how many unacknowledged messages the broker may send (Receive Maximum; default 65,535).
   * Mosquitto looks each PUBACK up in its in-flight list, so a huge window slows it down.
   */
  receiveMaximum?: number;
  log: { warn: (obj: object, msg: string) => void; error: (obj: object, msg: string) => void };
}

interface Pending {
  messageId: number;
  done: boolean;
}

/** A QoS 1 message this session published, until the broker's PUBACK. */
interface Outgoing {
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface PublishOptions {
  retain: boolean;
  qos: 0 | 1;
}

export class MqttSession {
  private stream: Duplex | undefined;
  private parser: ReturnType<typeof mqttPacket.parser> | undefined;
  /** Messages of the current connection in arrival order, until acknowledged. */
  private pending: Pending[] = [];
  private generation = 0;
  private stopped = false;
  private paused = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private lastPacketAt = 0;
  private backoffMs = 250;
  private packetIds = 1;
  /** Our QoS 1 publishes of the current connection awaiting their PUBACK, by packet id. */
  private outgoing = new Map<number, Outgoing>();
  private ackScheduled = false;
  connected = false;

  constructor(private readonly options: SessionOptions) {}

  /** Messages received on this connection and not yet acknowledged. */
  get unacknowledged(): number {
    return this.pending.length;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  /** Sends DISCONNECT (the broker keeps the session and queues for it) and closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    const stream = this.stream;
    if (!stream || stream.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        stream.destroy();
        resolve();
      }, 2000);
      stream.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (this.connected) this.write({ cmd: 'disconnect' } as Packet);
      stream.end();
    });
  }

  private open() {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.pending = [];
    this.paused = false;
    let stream: Duplex;
    try {
      stream = this.options.connect();
    } catch (error) {
      this.closed(generation, error as Error);
      return;
    }
    this.stream = stream;
    const parser = mqttPacket.parser({ protocolVersion: this.options.protocolVersion });
    this.parser = parser;
    parser.on('packet', (packet: Packet) => this.handle(generation, packet));
    parser.on('error', (error: Error) => {
      this.options.log.error({ err: error }, 'mqtt: malformed packet from the broker; reconnecting');
      stream.destroy(error);
    });
    stream.on('data', (chunk: Buffer) => {
      this.lastPacketAt = Date.now();
      parser.parse(chunk);
    });
    stream.on('error', (error) => this.closed(generation, error));
    stream.on('close', () => this.closed(generation, undefined));
    const ready = () => {
      const connect: Packet = {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: this.options.protocolVersion,
        clean: false,
        clientId: this.options.clientId,
        keepalive: this.options.keepaliveSeconds,
        ...(this.options.username !== undefined ? { username: this.options.username } : {}),
        ...(this.options.password !== undefined ? { password: Buffer.from(this.options.password) } : {}),
        // MQTT 5: keep the session (and its queue) however long the ingestion is away, and let the
        // broker send as many unacknowledged messages as it may.
        ...(this.options.protocolVersion === 5
          ? { properties: { sessionExpiryInterval: 0xffffffff, receiveMaximum: this.options.receiveMaximum ?? 65535 } }
          : {}),
      } as Packet;
      this.write(connect);
    };
    // A TCP or TLS socket says when it is connected; an in-process stream is ready at once.
    if ((stream as net.Socket).connecting)
      stream.once((stream as tls.TLSSocket).encrypted !== undefined ? 'secureConnect' : 'connect', ready);
    else ready();
  }

  private handle(generation: number, packet: Packet) {
    if (generation !== this.generation) return;
    switch (packet.cmd) {
      case 'connack': {
        const code = (packet as { returnCode?: number; reasonCode?: number }).returnCode ?? (packet as { reasonCode?: number }).reasonCode;
        if (code !== 0) {
          this.options.log.error({ code }, 'mqtt: the broker refused the ingestion (check MQTT_URL credentials and its ACL)');
          this.stream?.destroy();
          return;
        }
        this.backoffMs = 250;
        this.write({
          cmd: 'subscribe',
          messageId: this.nextPacketId(),
          subscriptions: this.options.topics.map((topic) => ({ topic, qos: 1 })),
        } as Packet);
        clearInterval(this.pingTimer);
        const everyMs = (this.options.keepaliveSeconds * 1000) / 2;
        this.pingTimer = setInterval(() => {
          if (Date.now() - this.lastPacketAt > this.options.keepaliveSeconds * 1500) {
            this.options.log.warn({}, 'mqtt: the broker stopped answering; reconnecting');
            this.stream?.destroy();
            return;
          }
          this.write({ cmd: 'pingreq' } as Packet);
        }, everyMs);
        this.pingTimer.unref();
        return;
      }
      case 'suback': {
        const granted = (packet as { granted: number[] }).granted;
        if (granted.some((g) => g > 1)) {
          this.options.log.error({ granted }, 'mqtt: the broker refused the telemetry subscription (check its ACL)');
          this.stream?.destroy();
          return;
        }
        this.connected = true;
        this.options.onConnect?.();
        return;
      }
      case 'publish':
        this.receive(generation, packet as IPublishPacket);
        return;
      case 'puback': {
        const { messageId, reasonCode } = packet as { messageId: number; reasonCode?: number };
        const waiting = this.outgoing.get(messageId);
        this.outgoing.delete(messageId);
        // MQTT 5: a reason code of 0x80 or more is a refusal (e.g. not authorized by the ACL).
        if (reasonCode !== undefined && reasonCode >= 0x80)
          waiting?.reject(new Error(`mqtt: the broker refused the publish (reason ${reasonCode})`));
        else waiting?.resolve();
        return;
      }
      case 'pubrel':
        // Only after a QoS 2 PUBREC, which this session never sends (it subscribes with QoS 1).
        this.write({ cmd: 'pubcomp', messageId: (packet as { messageId: number }).messageId } as Packet);
        return;
      case 'disconnect':
        this.stream?.destroy();
        return;
      default:
        return; // pingresp, unsuback
    }
  }

  private receive(generation: number, packet: IPublishPacket) {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (packet.qos === 0 || packet.messageId === undefined) {
      this.options.onMessage(packet.topic, payload, () => {});
      return;
    }
    const entry: Pending = { messageId: packet.messageId, done: false };
    this.pending.push(entry);
    if (!this.paused && this.pending.length >= this.options.maxPending) {
      this.paused = true;
      this.stream?.pause();
    }
    this.options.onMessage(packet.topic, payload, () => {
      if (generation !== this.generation || entry.done) return;
      entry.done = true;
      this.flushAcks();
    });
  }

  /**
   * Publishes as the platform (e.g. a command to a device). QoS 1 resolves on the broker's PUBACK;
   * it rejects when the session is not connected or the connection drops first (the caller tries
   * again: a retained command published twice is the same command).
   */
  publish(topic: string, payload: Buffer | string, options: PublishOptions): Promise<void> {
    if (!this.connected) return Promise.reject(new Error('mqtt: not connected to the broker'));
    if (options.qos === 0) {
      this.write({ cmd: 'publish', topic, payload, qos: 0, retain: options.retain, dup: false } as Packet);
      return Promise.resolve();
    }
    const messageId = this.nextPacketId();
    return new Promise<void>((resolve, reject) => {
      this.outgoing.set(messageId, { resolve, reject });
      this.write({ cmd: 'publish', topic, payload, qos: 1, retain: options.retain, dup: false, messageId } as Packet);
    });
  }

  /** A packet id (1–65,535) not held by one of our publishes awaiting its PUBACK. */
  private nextPacketId(): number {
    for (;;) {
      const id = this.packetIds;
      this.packetIds = (this.packetIds % 0xffff) + 1;
      if (!this.outgoing.has(id)) return id;
    }
  }

  /** Sends the PUBACKs of the leading run of finished messages, in one write, once the current batch of acks is marked. */
  private flushAcks() {
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    queueMicrotask(() => {
      this.ackScheduled = false;
      this.sendAcks();
    });
  }

  private sendAcks() {
    const stream = this.stream;
    if (!stream || stream.destroyed || !stream.writable) return;
    let n = 0;
    while (this.pending[n]?.done) n++;
    if (n === 0) return;
    // PUBACK is four bytes (MQTT 5: reason code 0 and no properties may be left out, §3.4.2.1).
    const acks = Buffer.allocUnsafe(4 * n);
    for (let i = 0; i < n; i++) {
      const id = (this.pending[i] as Pending).messageId;
      acks[4 * i] = 0x40;
      acks[4 * i + 1] = 0x02;
      acks[4 * i + 2] = id >> 8;
      acks[4 * i + 3] = id & 0xff;
    }
    this.pending.splice(0, n);
    stream.write(acks);
    if (this.paused && this.pending.length < this.options.maxPending / 2) {
      this.paused = false;
      stream.resume();
    }
  }

  private write(packet: Packet) {
    const stream = this.stream;
    if (!stream || stream.destroyed || !stream.writable) return;
    stream.write(mqttPacket.generate(packet, { protocolVersion: this.options.protocolVersion }));
  }

  private closed(generation: number, error: Error | undefined) {
    if (generation !== this.generation) return;
    this.generation++; // stale acknowledgements of this connection are ignored from now on
    this.pending = [];
    const unacknowledged = [...this.outgoing.values()];
    this.outgoing.clear();
    for (const o of unacknowledged) o.reject(error ?? new Error('mqtt: the connection closed before the broker acknowledged the publish'));
    const wasConnected = this.connected;
    this.connected = false;
    clearInterval(this.pingTimer);
    this.stream?.destroy();
    this.stream = undefined;
    if (wasConnected || error) this.options.onDisconnect?.(error);
    if (this.stopped) return;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 5000);
    this.reconnectTimer = setTimeout(() => this.open(), delay);
    this.reconnectTimer.unref();
  }
}

/** A transport for an `mqtt://` or `mqtts://` URL. */
export function urlTransport(url: string): () => Duplex {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'mqtts:';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = Number(parsed.port || (secure ? 8883 : 1883));
  return () => {
    const socket = secure ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
    socket.setNoDelay(true);
    return socket;
  };
}

/** The user name and password an MQTT URL carries, if any. */
export function urlCredentials(url: string): { username?: string; password?: string } {
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}
