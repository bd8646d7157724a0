/**
 * A simulator of lamp and cabinet controllers (`npx madina simulate lighting`): each device of the
 * demo inventory connects with its own credentials and publishes realistic telemetry — on at
 * night and off by day by the sun's elevation at the commune (the schedules come later), power =
 * rated × dim level ± noise, counters that grow, and faults injected with a given probability.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Database } from '../../platform/db/database.js';
import { withCommune } from '../../platform/db/tenant.js';
import { hashDeviceSecret } from '../../platform/mqtt/credentials.js';
import { setDeviceSecret } from '../../platform/mqtt/devices.repository.js';
import { deviceTopic } from '../../platform/mqtt/topics.js';
import { demoDeviceSecret } from './demo.js';
import type { CabinetTelemetry, LuminaireTelemetry } from './kinds.js';
import { communePlace, devicesToSimulate, type SimulatedDevice } from './lighting.repository.js';

const DEG = Math.PI / 180;

/**
 * The sun's elevation in degrees at a place and time (NOAA's low-precision formulas: within a few
 * minutes for sunrise and sunset, plenty for switching lamps).
 */
export function sunElevation(at: Date, lat: number, lon: number): number {
  const start = Date.UTC(at.getUTCFullYear(), 0, 1);
  const day = Math.floor((at.getTime() - start) / 86_400_000);
  const hours = at.getUTCHours() + at.getUTCMinutes() / 60 + at.getUTCSeconds() / 3600;
  const g = ((2 * Math.PI) / 365) * (day + (hours - 12) / 24);
  const declination =
    0.006918 -
    0.399912 * Math.cos(g) +
    0.070257 * Math.sin(g) -
    0.006758 * Math.cos(2 * g) +
    0.000907 * Math.sin(2 * g) -
    0.002697 * Math.cos(3 * g) +
    0.00148 * Math.sin(3 * g);
  const equationOfTime =
    229.18 * (0.000075 + 0.001868 * Math.cos(g) - 0.032077 * Math.sin(g) - 0.014615 * Math.cos(2 * g) - 0.040849 * Math.sin(2 * g));
  const solarMinutes = hours * 60 + equationOfTime + 4 * lon;
  const hourAngle = (solarMinutes / 4 - 180) * DEG;
  const cosZenith = Math.sin(lat * DEG) * Math.sin(declination) + Math.cos(lat * DEG) * Math.cos(declination) * Math.cos(hourAngle);
  return 90 - Math.acos(Math.max(-1, Math.min(1, cosZenith))) / DEG;
}

/** Lamps are on while the sun is below the horizon (its upper edge, with refraction: −0.833°). */
export const isNight = (at: Date, lat: number, lon: number) => sunElevation(at, lat, lon) < -0.833;

const STICKY_LUMINAIRE = ['lamp_failure', 'driver_failure', 'tilt'] as const;
const PASSING_LUMINAIRE = ['over_voltage', 'under_voltage', 'over_temperature', 'low_power_factor'] as const;

interface DeviceState {
  energy: number;
  hours: number;
  fault: string | null;
  lastAt: number;
  trippedCircuit: string | null;
}

export interface Place {
  lat: number;
  lon: number;
  timeZone: string;
}

/** Generates the readings of a set of devices; keeps each device's counters and faults. */
export class LightingReadings {
  private readonly states = new Map<string, DeviceState>();
  /** The level each luminaire was last commanded (its retained `…/commands` message), if any. */
  private readonly commanded = new Map<string, number>();
  private readonly hourOf: Intl.DateTimeFormat;

  constructor(
    private readonly place: Place,
    private readonly faultProbability: number,
    private readonly random: () => number = Math.random,
  ) {
    this.hourOf = new Intl.DateTimeFormat('en-GB', { timeZone: place.timeZone, hour: 'numeric', hourCycle: 'h23' });
  }

  private state(device: SimulatedDevice, now: number): DeviceState {
    let s = this.states.get(device.deviceId);
    if (!s) {
      // Counters as if the device had burnt ~11 h a night since it was installed.
      const since = device.dateServiceStarted ? Date.parse(device.dateServiceStarted) : now - 5 * 365 * 86_400_000;
      const hours = Math.max(0, ((now - since) / 3_600_000) * (11 / 24));
      const kw = device.kind === 'luminaire' ? (device.powerRating ?? 100) / 1000 : sumWatts(device) / 1000;
      s = { energy: hours * kw * 0.85, hours, fault: null, lastAt: now, trippedCircuit: null };
      this.states.set(device.deviceId, s);
    }
    return s;
  }

  /** The dim level the simple rule gives (LED dims to 70% from 23:00 to 05:00 local; others do not). */
  private dimLevel(device: SimulatedDevice, at: Date): number {
    if (device.kind === 'luminaire' && device.technology !== 'LED') return 100;
    const hour = Number(this.hourOf.format(at));
    return hour >= 23 || hour < 5 ? 70 : 100;
  }

  /** Follows a command (docs/mqtt.md): a payload without a dimLevel of 0–100 is ignored. */
  command(deviceId: string, payload: Buffer): void {
    try {
      const level = (JSON.parse(payload.toString()) as { dimLevel?: unknown }).dimLevel;
      if (typeof level === 'number' && Number.isInteger(level) && level >= 0 && level <= 100) this.commanded.set(deviceId, level);
    } catch {
      // not JSON: ignored, as a real controller would
    }
  }

  private noise(spread: number): number {
    return 1 + (this.random() * 2 - 1) * spread;
  }

  luminaire(device: SimulatedDevice, at: Date): LuminaireTelemetry {
    const now = at.getTime();
    const s = this.state(device, now);
    const hoursSince = Math.max(0, (now - s.lastAt) / 3_600_000);
    s.lastAt = now;
    let passing: string | null = null;
    if (s.fault && this.random() < 0.05) s.fault = null; // repaired
    if (!s.fault && this.random() < this.faultProbability) {
      const pick = this.random();
      if (pick < 0.6) s.fault = STICKY_LUMINAIRE[Math.floor(this.random() * STICKY_LUMINAIRE.length)] ?? 'lamp_failure';
      else passing = PASSING_LUMINAIRE[Math.floor(this.random() * PASSING_LUMINAIRE.length)] ?? 'over_voltage';
    }
    const commanded = this.commanded.get(device.deviceId);
    const on = commanded === undefined ? isNight(at, this.place.lat, this.place.lon) : commanded > 0;
    const rated = device.powerRating ?? 100;
    const dim = commanded ?? (on ? this.dimLevel(device, at) : 0);
    const losses = device.technology === 'LED' ? 1.05 : 1.1;
    const dark = s.fault === 'lamp_failure' || s.fault === 'driver_failure';
    let voltage = 230 * this.noise(0.012);
    if (passing === 'over_voltage') voltage = 254 + this.random() * 6;
    if (passing === 'under_voltage') voltage = 190 + this.random() * 6;
    const power = on ? (dark ? 1.5 : rated * (dim / 100) * losses * this.noise(0.03)) : 0.6;
    const powerFactor = passing === 'low_power_factor' ? 0.6 : device.technology === 'LED' ? 0.96 : 0.9;
    s.energy += (power / 1000) * hoursSince;
    if (on && !dark) s.hours += hoursSince;
    const faults = [s.fault, passing].filter((f): f is string => f !== null) as LuminaireTelemetry['faults'];
    return {
      deviceId: device.deviceId,
      observationDateTime: at.toISOString(),
      powerState: on ? 'on' : 'off',
      dimLevel: dim,
      powerConsumption: round(power, 1),
      voltage: round(voltage, 1),
      current: round(power / (voltage * powerFactor), 3),
      powerFactor,
      energyConsumed: round(s.energy, 3),
      burningHours: round(s.hours, 2),
      faults: faults ?? [],
    };
  }

  cabinet(device: SimulatedDevice, at: Date): CabinetTelemetry {
    const now = at.getTime();
    const s = this.state(device, now);
    const hoursSince = Math.max(0, (now - s.lastAt) / 3_600_000);
    s.lastAt = now;
    const circuits = Object.entries(device.circuitWatts ?? { C1: 0 }).sort(([a], [b]) => a.localeCompare(b));
    let passing: string | null = null;
    if (s.trippedCircuit && this.random() < 0.05) s.trippedCircuit = null; // reset by a technician
    if (this.random() < this.faultProbability) {
      if (this.random() < 0.5 && circuits.length > 0) s.trippedCircuit = circuits[Math.floor(this.random() * circuits.length)]?.[0] ?? null;
      else passing = this.random() < 0.5 ? 'door_open' : 'phase_loss';
    }
    const on = isNight(at, this.place.lat, this.place.lon);
    const dim = on ? this.dimLevel(device, at) : 0;
    const phases = ['R', 'S', 'T'] as const;
    const perPhase = { R: 0, S: 0, T: 0 };
    const lostPhase = passing === 'phase_loss' ? phases[Math.floor(this.random() * 3)] : undefined;
    const circuitReadings = circuits.map(([id, watts], i) => {
      const phase = phases[i % 3] as 'R' | 'S' | 'T';
      const live = on && id !== s.trippedCircuit && phase !== lostPhase;
      const kw = live ? ((watts * 1.08 * dim) / 100 / 1000) * this.noise(0.02) : 0;
      perPhase[phase] += kw;
      return {
        id,
        powerState: live ? ('on' as const) : ('off' as const),
        activePower: round(kw, 3),
        intensity: round((kw * 1000) / (230 * 0.92), 2),
      };
    });
    const total = perPhase.R + perPhase.S + perPhase.T;
    s.energy += total * hoursSince;
    if (on) s.hours += hoursSince;
    const volts = (phase: 'R' | 'S' | 'T') => (phase === lostPhase ? 0 : round(230 * this.noise(0.01), 1));
    const amps = (phase: 'R' | 'S' | 'T') => round((perPhase[phase] * 1000) / (230 * 0.92), 2);
    const faults = [s.trippedCircuit ? 'breaker_tripped' : null, passing].filter((f): f is string => f !== null);
    return {
      deviceId: device.deviceId,
      observationDateTime: at.toISOString(),
      powerState: on ? 'on' : 'off',
      dimLevel: dim,
      totalActivePower: round(total, 3),
      energyConsumed: round(s.energy, 2),
      reactiveEnergyConsumed: round(s.energy * 0.42, 2),
      frequency: round(50 * this.noise(0.001), 2),
      voltageR: volts('R'),
      voltageS: volts('S'),
      voltageT: volts('T'),
      intensityR: amps('R'),
      intensityS: amps('S'),
      intensityT: amps('T'),
      activePowerR: round(perPhase.R, 3),
      activePowerS: round(perPhase.S, 3),
      activePowerT: round(perPhase.T, 3),
      powerFactorR: 0.92,
      powerFactorS: 0.92,
      powerFactorT: 0.92,
      burningHours: round(s.hours, 2),
      faults: faults as CabinetTelemetry['faults'],
      circuits: circuitReadings,
    };
  }

  reading(device: SimulatedDevice, at: Date): LuminaireTelemetry | CabinetTelemetry {
    return device.kind === 'cabinet' ? this.cabinet(device, at) : this.luminaire(device, at);
  }
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const sumWatts = (d: SimulatedDevice) => Object.values(d.circuitWatts ?? {}).reduce((a, b) => a + b, 0);

/**
 * The demo devices to simulate (cabinets first, then luminaires), each with its demo secret set
 * so it can connect, and where the commune is. Devices not marked demo are never touched.
 */
export async function prepareDemoDevices(
  db: Database,
  communeId: string,
  count: number,
): Promise<{ devices: (SimulatedDevice & { secret: string })[]; place: Place }> {
  const { verify } = await import('@node-rs/argon2');
  return withCommune(db, communeId, async (trx) => {
    const devices = (await devicesToSimulate(trx, count * 2)).filter((d) => d.isDemo).slice(0, count);
    const ready: (SimulatedDevice & { secret: string })[] = [];
    for (const device of devices) {
      const secret = demoDeviceSecret(device.deviceId);
      const current = device.secretHash ? await verify(device.secretHash, secret).catch(() => false) : false;
      if (!current) await setDeviceSecret(trx, device.deviceId, await hashDeviceSecret(secret));
      ready.push({ ...device, secret });
    }
    return { devices: ready, place: await communePlace(trx, communeId) };
  });
}

export interface SimulatorRun {
  /** Readings published and acknowledged by the broker (QoS 1), and failures. */
  stats(): { connected: number; published: number; acknowledged: number; failed: number };
  stop(): Promise<void>;
  /** Resolves when every device has published `rounds` readings (if rounds were given). */
  finished: Promise<void>;
}

export interface SimulatorOptions {
  url: string;
  communeCode: string;
  devices: (SimulatedDevice & { secret: string })[];
  intervalSeconds: number;
  faultProbability: number;
  place: Place;
  /** Stop each device after this many readings (default: run until stopped). */
  rounds?: number;
}

/** Connects every device to the broker and publishes its readings every interval (QoS 1). */
export function runSimulator(o: SimulatorOptions): SimulatorRun {
  const readings = new LightingReadings(o.place, o.faultProbability);
  const counts = { published: 0, acknowledged: 0, failed: 0 };
  const clients: MqttClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  let remaining = o.devices.length;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  if (remaining === 0) finish();
  const intervalMs = o.intervalSeconds * 1000;

  o.devices.forEach((device, i) => {
    const kind = device.kind;
    const topic = (channel: 'telemetry' | 'state' | 'commands') =>
      deviceTopic({ commune: o.communeCode, kind, deviceId: device.deviceId, channel });
    // Connections are spread over the first seconds, as a city's controllers would after a restart.
    const start = setTimeout(
      () => {
        const client = mqtt.connect(o.url, {
          clientId: device.deviceId,
          username: device.deviceId,
          password: device.secret,
          clean: true,
          reconnectPeriod: 2000,
          connectTimeout: 10_000,
          will: { topic: topic('state'), payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
        });
        clients.push(client);
        client.on('error', () => {});
        client.on('connect', () => {
          client.publish(topic('state'), '{"online":true}', { qos: 1, retain: true });
          // Luminaires follow the schedules' commands (retained: the current one arrives at once).
          if (kind === 'luminaire') client.subscribe(topic('commands'), { qos: 1 });
        });
        client.on('message', (_topic, payload) => readings.command(device.deviceId, payload));
        let sent = 0;
        let answered = 0;
        const publish = () => {
          if (o.rounds !== undefined && sent >= o.rounds) return;
          sent++;
          counts.published++;
          const payload = JSON.stringify(readings.reading(device, new Date()));
          client.publish(topic('telemetry'), payload, { qos: 1 }, (error) => {
            if (error) counts.failed++;
            else counts.acknowledged++;
            if (++answered === o.rounds && --remaining === 0) finish();
          });
        };
        const first = setTimeout(
          () => {
            publish();
            timers.push(setInterval(publish, intervalMs));
          },
          Math.floor(Math.random() * Math.min(intervalMs, 5000)),
        );
        timers.push(first);
      },
      Math.floor((i / Math.max(1, o.devices.length)) * Math.min(5000, 20 * o.devices.length)),
    );
    timers.push(start);
  });

  return {
    stats: () => ({ connected: clients.filter((c) => c.connected).length, ...counts }),
    finished,
    async stop() {
      for (const t of timers) clearTimeout(t);
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    },
  };
}
