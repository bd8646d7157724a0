import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Tx } from '../db/tenant.js';
import type { PlatformTables } from '../db/types.js';

export function findAccountByEmail(trx: Tx, email: string) {
  return trx
    .selectFrom('platform.userAccount')
    .select(['id', 'email', 'displayName', 'passwordHash', 'role', 'active'])
    .where('email', '=', email)
    .executeTakeFirst();
}

export function findAccountHash(trx: Tx, id: string) {
  return trx.selectFrom('platform.userAccount').select(['passwordHash', 'email']).where('id', '=', id).executeTakeFirst();
}

export function updatePasswordHash(trx: Tx, id: string, passwordHash: string) {
  return trx
    .updateTable('platform.userAccount')
    .set({ passwordHash, passwordChangedAt: new Date(), updatedAt: new Date() })
    .where('id', '=', id)
    .execute();
}

export function markLoggedIn(trx: Tx, id: string) {
  return trx.updateTable('platform.userAccount').set({ lastLoginAt: new Date() }).where('id', '=', id).execute();
}

/** Failed sign-ins for `email`, and from `ip`, since `since` and after the account's last success. */
export async function countRecentFailures(trx: Tx, email: string, ip: string, since: Date) {
  const row = await trx
    .selectFrom('platform.loginAttempt as a')
    .select([
      sql<number>`count(*) FILTER (WHERE a.email = ${email} AND a.at > coalesce((SELECT max(s.at) FROM platform.login_attempt s WHERE s.email = ${email} AND s.succeeded), '-infinity'))`.as(
        'byEmail',
      ),
      sql<number>`count(*) FILTER (WHERE a.ip = ${ip})`.as('byIp'),
    ])
    .where('a.succeeded', '=', false)
    .where('a.at', '>', since)
    .executeTakeFirstOrThrow();
  return { byEmail: Number(row.byEmail), byIp: Number(row.byIp) };
}

export function insertLoginAttempt(trx: Tx, communeId: string, email: string, ip: string, succeeded: boolean) {
  return trx.insertInto('platform.loginAttempt').values({ communeId, email, ip, succeeded }).execute();
}

export function insertSession(
  trx: Tx,
  s: { communeId: string; userId: string; tokenHash: Buffer; csrfToken: string; ip: string; userAgent: string | null; expiresAt: Date },
) {
  return trx.insertInto('platform.session').values(s).returning('id').executeTakeFirstOrThrow();
}

/**
 * The session for a token hash in one commune, with its user and the user's department path; only
 * live ones. It names the commune itself, so it can run as one statement outside a tenant
 * transaction: every signed-in request does this, and one round trip instead of four matters.
 */
export function findLiveSession(db: Kysely<PlatformTables>, communeId: string, tokenHash: Buffer) {
  return db
    .selectFrom('platform.session as s')
    .innerJoin('platform.userAccount as u', (join) => join.onRef('u.communeId', '=', 's.communeId').onRef('u.id', '=', 's.userId'))
    .leftJoin('platform.department as d', (join) => join.onRef('d.communeId', '=', 'u.communeId').onRef('d.id', '=', 'u.departmentId'))
    .select([
      's.id as sessionId',
      's.csrfToken',
      's.lastSeenAt',
      'u.id',
      'u.email',
      'u.displayName',
      'u.role',
      'u.departmentId',
      'u.locale',
      'd.path as departmentPath',
    ])
    .where('s.communeId', '=', communeId)
    .where('s.tokenHash', '=', tokenHash)
    .where('s.expiresAt', '>', new Date())
    .where('u.active', '=', true)
    .executeTakeFirst();
}

export function touchSession(trx: Tx, sessionId: string, expiresAt: Date) {
  return trx.updateTable('platform.session').set({ lastSeenAt: new Date(), expiresAt }).where('id', '=', sessionId).execute();
}

export function deleteSession(trx: Tx, sessionId: string) {
  return trx.deleteFrom('platform.session').where('id', '=', sessionId).execute();
}

/** Ends every session of a user except `keep` (after a password change, a deactivation). */
export function deleteUserSessions(trx: Tx, userId: string, keep?: string) {
  let query = trx.deleteFrom('platform.session').where('userId', '=', userId);
  if (keep) query = query.where('id', '<>', keep);
  return query.execute();
}

/** An API key by its prefix in one commune (one statement, like `findLiveSession`). */
export function findApiKey(db: Kysely<PlatformTables>, communeId: string, prefix: string) {
  return db
    .selectFrom('platform.apiKey')
    .select(['id', 'name', 'secretHash', 'permissions', 'lastUsedAt'])
    .where('communeId', '=', communeId)
    .where('prefix', '=', prefix)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
}

export function touchApiKey(trx: Tx, id: string) {
  return trx.updateTable('platform.apiKey').set({ lastUsedAt: new Date() }).where('id', '=', id).execute();
}

export async function purgeExpired(db: Kysely<PlatformTables>, attemptsBefore: Date) {
  await db.deleteFrom('platform.session').where('expiresAt', '<', new Date()).execute();
  await db.deleteFrom('platform.loginAttempt').where('at', '<', attemptsBefore).execute();
}
