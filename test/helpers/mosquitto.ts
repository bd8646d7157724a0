import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, sleep } from './server-process.js';

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const hasMosquitto = fs.existsSync(MOSQUITTO);

/**
 * A Mosquitto broker of the test's own: its own port, configuration and persistence folder (kept
 * across `restart`, so queued QoS 1 messages and persistent sessions survive it, as in production).
 * No ACL: any client may publish anywhere — the case the ingestion must defend itself in.
 */
export class Mosquitto {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-mosquitto-'));
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(readonly port: number) {
    // Mosquitto drops root privileges to its own user, which must be able to write here.
    fs.chmodSync(this.dir, 0o777);
    fs.writeFileSync(
      path.join(this.dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${this.dir}/`,
        'autosave_interval 1',
        // Never drop a QoS 1 message queued for the ingestion (defaults: 1,000 queued, 20 in flight).
        'max_queued_messages 0',
        'max_inflight_messages 0',
        'log_dest stdout',
      ].join('\n'),
    );
  }

  static async start(): Promise<Mosquitto> {
    const broker = new Mosquitto(await freePort());
    await broker.startProcess();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  output(): string {
    return this.log;
  }

  private async startProcess() {
    const child = spawn(MOSQUITTO, ['-c', path.join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.log = (this.log + chunk).slice(-20_000);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.log = (this.log + chunk).slice(-20_000);
    });
    this.child = child;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited: ${this.log}`);
      if (await accepts(this.port)) return;
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${this.port}: ${this.log}`);
      await sleep(50);
    }
  }

  /** SIGTERM (Mosquitto saves its persistence file) and wait for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.startProcess();
  }

  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
