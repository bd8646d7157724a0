import path from 'node:path';
import { decodeSecretKey } from './platform/secrets/secret-box.js';

/** The platform's configuration, read once from the environment and validated. */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL connection string; unset means the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  defaultCommune: string;
  logLevel: string;
  bodyLimit: number;
  dbPoolSize: number;
  sessionTtlHours: number;
  cookieSecure: boolean;
  trustProxy: boolean;
  loginMaxFailures: number;
  loginLockoutMinutes: number;
  smtpUrl: string | undefined;
  /** An HTTP(S) SMS gateway that takes a JSON POST {to, text}; unset writes each SMS to `dataDir/sms`. */
  smsUrl: string | undefined;
  /** The address citizens reach the platform at, for links in mail and SMS. */
  publicUrl: string;
  /** Anonymous report submissions allowed per address (and per device) per hour; 0 turns the limit off. */
  reportRateLimit: number;
  /** Minutes during which a citizen may still edit a report and add photos after sending it. */
  reportEditMinutes: number;
  /** Seed the demo commune and its demo accounts on an empty database. */
  demo: boolean;
  /** Serve the embedded database on a Unix socket so the CLI and psql can work while the server runs. */
  dbSocket: boolean;
  /** At start, build the front end (web/dist) when it is missing or older than its sources. */
  webBuild: boolean;
  /** 32 bytes in base64 that seal the secrets kept in the database (several instances share it); unset: `dataDir/secrets.key`. */
  secretsKey: string | undefined;
  /** An external MQTT broker (`mqtt://user:pass@host:1883`, `mqtts://…`); unset runs the embedded aedes broker. */
  mqttUrl: string | undefined;
  /** TCP port of the embedded broker (0: a free port chosen at start). */
  mqttPort: number;
  /** Address the embedded broker listens on. */
  mqttHost: string;
  /** The ingestion's MQTT client id: fixed, so the broker keeps its session (and queues QoS 1 messages) while it is away. */
  mqttClientId: string;
  /** With several instances on one external broker: share the telemetry subscriptions in this group (`$share/<group>/…`). */
  mqttShareGroup: string | undefined;
  /** Readings written in one transaction at most; a batch is written when full or `telemetryBatchMs` after its first message. */
  telemetryBatchSize: number;
  telemetryBatchMs: number;
  /** Readings older than this (hours) or further in the future than `telemetryFutureSeconds` are dead letters. */
  telemetryPastHours: number;
  telemetryFutureSeconds: number;
  /** Messages one device may send per minute (a token bucket of that size); 0 turns the limit off. */
  telemetryRateLimit: number;
  /** Days dead letters are kept. */
  telemetryDeadLetterDays: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false (got "${raw}")`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
  }
  return raw;
}

// MQTT client ids and shared-subscription group names: printable, no topic wildcards or separators.
const MQTT_NAME = /^[A-Za-z0-9._-]{1,64}$/;

function mqttClientId(env: Env): string {
  const value = env.MQTT_CLIENT_ID ?? 'madina-ingest';
  if (!MQTT_NAME.test(value)) throw new ConfigError('MQTT_CLIENT_ID must be 1 to 64 letters, digits, dots, dashes or underscores');
  return value;
}

function shareGroup(env: Env): string | undefined {
  const value = env.MQTT_SHARE_GROUP;
  if (value === undefined || value === '') return undefined;
  if (!MQTT_NAME.test(value)) throw new ConfigError('MQTT_SHARE_GROUP must be 1 to 64 letters, digits, dots, dashes or underscores');
  return value;
}

function secretsKey(env: Env): string | undefined {
  const value = env.SECRETS_KEY;
  if (value === undefined || value === '') return undefined;
  try {
    decodeSecretKey(value, 'SECRETS_KEY');
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return value;
}

/** Reads the configuration from `env` (default `process.env`); throws ConfigError on a bad value. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV ?? 'development';
  if (nodeEnv !== 'development' && nodeEnv !== 'production' && nodeEnv !== 'test') {
    throw new ConfigError(`NODE_ENV must be development, production or test (got "${nodeEnv}")`);
  }
  const production = nodeEnv === 'production';
  const defaultCommune = env.DEFAULT_COMMUNE ?? 'berkane';
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(defaultCommune)) {
    throw new ConfigError('DEFAULT_COMMUNE must be a commune code (lowercase letters, digits, dashes)');
  }
  const demo = bool(env, 'DEMO', !production);
  if (demo && production) {
    throw new ConfigError('DEMO=true is refused with NODE_ENV=production: demo accounts have published passwords');
  }
  return {
    env: nodeEnv,
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    defaultCommune,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    bodyLimit: int(env, 'BODY_LIMIT', 1024 * 1024, 1024, 100 * 1024 * 1024),
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10, 1, 200),
    sessionTtlHours: int(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 30),
    cookieSecure: bool(env, 'COOKIE_SECURE', production),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    loginMaxFailures: int(env, 'LOGIN_MAX_FAILURES', 5, 1, 100),
    loginLockoutMinutes: int(env, 'LOGIN_LOCKOUT_MINUTES', 15, 1, 24 * 60),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    smsUrl: url(env, 'SMS_URL', ['http:', 'https:']),
    publicUrl: (url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${int(env, 'PORT', 8080, 0, 65535)}`).replace(/\/+$/, ''),
    reportRateLimit: int(env, 'REPORT_RATE_LIMIT', 20, 0, 1_000_000),
    reportEditMinutes: int(env, 'REPORT_EDIT_MINUTES', 30, 0, 24 * 60),
    demo,
    dbSocket: bool(env, 'DB_SOCKET', true),
    webBuild: bool(env, 'WEB_BUILD', nodeEnv !== 'test'),
    secretsKey: secretsKey(env),
    mqttUrl: url(env, 'MQTT_URL', ['mqtt:', 'mqtts:']),
    // Tests start many servers at once: each takes a free port unless told otherwise.
    mqttPort: int(env, 'MQTT_PORT', nodeEnv === 'test' ? 0 : 1883, 0, 65535),
    mqttHost: env.MQTT_HOST ?? env.HOST ?? '0.0.0.0',
    mqttClientId: mqttClientId(env),
    mqttShareGroup: shareGroup(env),
    telemetryBatchSize: int(env, 'TELEMETRY_BATCH_SIZE', 1000, 1, 50_000),
    telemetryBatchMs: int(env, 'TELEMETRY_BATCH_MS', 50, 1, 10_000),
    telemetryPastHours: int(env, 'TELEMETRY_PAST_HOURS', 168, 1, 24 * 366),
    telemetryFutureSeconds: int(env, 'TELEMETRY_FUTURE_SECONDS', 300, 0, 86_400),
    telemetryRateLimit: int(env, 'TELEMETRY_RATE_LIMIT', 120, 0, 1_000_000),
    telemetryDeadLetterDays: int(env, 'TELEMETRY_DEAD_LETTER_DAYS', 30, 1, 3650),
  };
}
