import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { AuthService } from './auth/auth.service.js';
import type { Database } from './db/database.js';
import type { FileStore } from './files/store.js';
import type { JobRunner } from './jobs/jobs.js';
import type { TelemetryService } from './mqtt/telemetry.js';
import type { Mailer } from './notify/mail.js';
import type { SecretBox } from './secrets/secret-box.js';

/** The shared kernel handed to every module's plugin. */
export interface Platform {
  config: Config;
  db: Database;
  auth: AuthService;
  jobs: JobRunner;
  mailer: Mailer;
  files: FileStore;
  /** MQTT telemetry: modules register their device kinds here (src/platform/mqtt). */
  telemetry: TelemetryService;
  /** Seals the secrets kept in the database (src/platform/secrets). */
  secrets: SecretBox;
}

/** The Fastify instance with TypeBox types, as routes see it. */
export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  TypeBoxTypeProvider
>;
