import type { ColumnType, Generated } from 'kysely';

/** A content field in the commune's languages, e.g. a department's name. */
export interface Multilingual {
  ar?: string;
  fr?: string;
  zgh?: string;
  en?: string;
}

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, never, never>;

export interface CommuneTable {
  id: Generated<string>;
  code: string;
  officialCode: string | null;
  name: ColumnType<Multilingual, string, string>;
  kind: 'urban' | 'rural';
  defaultLocale: Generated<string>;
  localeFallback: Generated<string[]>;
  timeZone: Generated<string>;
  boundary: unknown;
  census: ColumnType<Record<string, unknown>, string | undefined, string>;
  attribution: Generated<string>;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
}

export interface CommuneHostTable {
  host: string;
  communeId: string;
}

export interface DepartmentTable {
  communeId: string;
  id: Generated<string>;
  code: string;
  name: ColumnType<Multilingual, string, string>;
  parentId: string | null;
  path: string;
  createdAt: Generated<Date>;
  updatedAt: Timestamp;
}

export interface UserAccountTable {
  communeId: string;
  id: Generated<string>;
  email: string;
  displayName: string;
  passwordHash: string;
  role: string;
  departmentId: string | null;
  locale: string | null;
  active: Generated<boolean>;
  isDemo: Generated<boolean>;
  passwordChangedAt: Timestamp;
  lastLoginAt: Date | null;
  createdAt: Generated<Date>;
  updatedAt: Timestamp;
}

export interface SessionTable {
  communeId: string;
  id: Generated<string>;
  tokenHash: Buffer;
  csrfToken: string;
  userId: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: Generated<Date>;
  lastSeenAt: Timestamp;
  expiresAt: Timestamp;
}

export interface LoginAttemptTable {
  communeId: string;
  id: Generated<string>;
  email: string;
  ip: string | null;
  succeeded: boolean;
  at: Generated<Date>;
}

export interface ApiKeyTable {
  communeId: string;
  id: Generated<string>;
  name: string;
  prefix: string;
  secretHash: Buffer;
  permissions: string[];
  createdBy: string | null;
  createdAt: Generated<Date>;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface AuditEventTable {
  communeId: string;
  id: Generated<string>;
  at: CreatedAt;
  actorType: 'user' | 'api_key' | 'system' | 'cli';
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  requestId: string | null;
  ip: string | null;
}

export interface JobTable {
  id: Generated<string>;
  communeId: string | null;
  kind: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  dedupeKey: string | null;
  state: Generated<'queued' | 'running' | 'done' | 'failed'>;
  runAt: Timestamp;
  attempts: Generated<number>;
  maxAttempts: Generated<number>;
  lockedBy: string | null;
  lockedUntil: Date | null;
  lastError: string | null;
  createdAt: Generated<Date>;
  finishedAt: Date | null;
}

/** One fixed window of one rate limit: how many hits `key` had since `windowStart`. */
export interface RateLimitTable {
  key: string;
  windowStart: Date;
  hits: Generated<number>;
}

/** A district of a commune (quartier, lotissement, village): a name, and a shape once GIS gives one. */
export interface DistrictTable {
  communeId: string;
  id: Generated<string>;
  name: ColumnType<Multilingual, string, string>;
  source: string;
  area: unknown;
}

/** The platform's tables as Kysely sees them; modules add theirs with `withTables`. */
export interface PlatformTables {
  'platform.commune': CommuneTable;
  'platform.communeHost': CommuneHostTable;
  'platform.department': DepartmentTable;
  'platform.userAccount': UserAccountTable;
  'platform.session': SessionTable;
  'platform.loginAttempt': LoginAttemptTable;
  'platform.apiKey': ApiKeyTable;
  'platform.auditEvent': AuditEventTable;
  'platform.job': JobTable;
  'platform.district': DistrictTable;
  'platform.rateLimit': RateLimitTable;
}
