import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config.js';
import { type Actor, recordAudit } from '../audit/audit.js';
import type { CommuneRow } from '../communes/communes.repository.js';
import type { Database } from '../db/database.js';
import { withCommune } from '../db/tenant.js';
import { AppError, unauthenticated } from '../http/errors.js';
import { type Locale, translator } from '../i18n/index.js';
import { enqueue } from '../jobs/jobs.js';
import { LIMITS } from '../limits.js';
import * as repo from './auth.repository.js';
import { hashPassword, isStrongEnough, verifyPassword } from './passwords.js';
import { isRole } from './permissions.js';
import type { ApiKeyPrincipal, UserPrincipal } from './principal.js';
import { hashToken, newToken, parseApiKey } from './tokens.js';

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  userId: string;
}

// How often a session's last-seen time (and sliding expiry) is written: not on every request.
const TOUCH_EVERY_MS = 60_000;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Sign-in, sessions, API keys and passwords for staff, per commune. */
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly config: Pick<Config, 'sessionTtlHours' | 'loginMaxFailures' | 'loginLockoutMinutes'>,
  ) {}

  private ttlMs() {
    return this.config.sessionTtlHours * 3600_000;
  }

  /**
   * Signs in with email and password. A wrong email and a wrong password get the same answer in
   * the same time; after `loginMaxFailures` failures for one email (or four times that from one
   * address) within the lock-out window, every attempt is refused until the window passes —
   * whether or not the account exists.
   */
  async login(commune: CommuneRow, rawEmail: string, password: string, ip: string, userAgent: string | null) {
    const email = normalizeEmail(rawEmail);
    const windowStart = new Date(Date.now() - this.config.loginLockoutMinutes * 60_000);
    const { account, failures } = await withCommune(this.db, commune.id, async (trx) => ({
      account: await repo.findAccountByEmail(trx, email),
      failures: await repo.countRecentFailures(trx, email, ip, windowStart),
    }));
    if (failures.byEmail >= this.config.loginMaxFailures || failures.byIp >= this.config.loginMaxFailures * 4) {
      throw new AppError('login_locked', 429, 'problem.login_locked.detail', { minutes: this.config.loginLockoutMinutes }, [], {
        'retry-after': String(this.config.loginLockoutMinutes * 60),
      });
    }
    const ok = (await verifyPassword(account?.passwordHash, password)) && account?.active === true;
    if (!ok || !account) {
      await withCommune(this.db, commune.id, (trx) => repo.insertLoginAttempt(trx, commune.id, email, ip, false));
      throw new AppError('invalid_credentials', 401, 'problem.invalid_credentials.detail');
    }
    const session: NewSession = {
      token: newToken(),
      csrfToken: newToken(),
      expiresAt: new Date(Date.now() + this.ttlMs()),
      userId: account.id,
    };
    await withCommune(this.db, commune.id, async (trx) => {
      await repo.insertLoginAttempt(trx, commune.id, email, ip, true);
      await repo.insertSession(trx, {
        communeId: commune.id,
        userId: account.id,
        tokenHash: hashToken(session.token),
        csrfToken: session.csrfToken,
        ip,
        userAgent: userAgent?.slice(0, 400) ?? null,
        expiresAt: session.expiresAt,
      });
      await repo.markLoggedIn(trx, account.id);
      await recordAudit(
        trx,
        commune.id,
        { type: 'user', id: account.id, label: account.email, ip },
        { action: 'platform.session.create', entityType: 'user', entityId: account.id },
      );
    });
    return session;
  }

  /** The signed-in user for a session cookie, or null when it is unknown, expired or revoked. */
  async resolveSession(communeId: string, token: string): Promise<UserPrincipal | null> {
    if (token.length > 100) return null;
    const row = await repo.findLiveSession(this.db.kysely, communeId, hashToken(token));
    if (!row || !isRole(row.role)) return null;
    if (Date.now() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await withCommune(this.db, communeId, (trx) => repo.touchSession(trx, row.sessionId, new Date(Date.now() + this.ttlMs())));
    }
    return {
      kind: 'user',
      id: row.id,
      email: row.email,
      displayName: row.displayName,
      role: row.role,
      departmentId: row.departmentId,
      departmentPath: row.departmentPath,
      locale: row.locale,
      sessionId: row.sessionId,
      csrfToken: row.csrfToken,
    };
  }

  /** The machine client for a Bearer API key of this commune, or null. */
  async resolveApiKey(communeId: string, key: string): Promise<ApiKeyPrincipal | null> {
    const parsed = parseApiKey(key);
    if (!parsed) return null;
    const row = await repo.findApiKey(this.db.kysely, communeId, parsed.prefix);
    if (!row || row.secretHash.length !== parsed.secretHash.length || !timingSafeEqual(row.secretHash, parsed.secretHash)) return null;
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await withCommune(this.db, communeId, (trx) => repo.touchApiKey(trx, row.id));
    }
    return { kind: 'api_key', id: row.id, name: row.name, permissions: row.permissions };
  }

  async logout(communeId: string, principal: UserPrincipal, actor: Actor) {
    await withCommune(this.db, communeId, async (trx) => {
      await repo.deleteSession(trx, principal.sessionId);
      await recordAudit(trx, communeId, actor, {
        action: 'platform.session.delete',
        entityType: 'user',
        entityId: principal.id,
      });
    });
  }

  /**
   * Changes the signed-in user's password: checks the current one, ends their other sessions, and
   * tells them by mail (a stolen session must not change the password silently).
   */
  async changePassword(commune: CommuneRow, principal: UserPrincipal, current: string, next: string, actor: Actor, locale: Locale) {
    const account = await withCommune(this.db, commune.id, (trx) => repo.findAccountHash(trx, principal.id));
    if (!account) throw unauthenticated();
    if (!(await verifyPassword(account.passwordHash, current))) {
      throw new AppError('wrong_password', 400, 'problem.wrong_password.detail', {}, [
        { pointer: '/body/currentPassword', key: 'problem.wrong_password.detail' },
      ]);
    }
    if (!isStrongEnough(next, account.email)) {
      throw new AppError('weak_password', 400, 'problem.weak_password.detail', { min: LIMITS.passwordMin }, [
        { pointer: '/body/newPassword', key: 'problem.weak_password.title' },
      ]);
    }
    const passwordHash = await hashPassword(next);
    const i18n = translator(locale, undefined, commune.timeZone);
    await withCommune(this.db, commune.id, async (trx) => {
      await repo.updatePasswordHash(trx, principal.id, passwordHash);
      await repo.deleteUserSessions(trx, principal.id, principal.sessionId);
      await recordAudit(trx, commune.id, actor, {
        action: 'platform.user.password_change',
        entityType: 'user',
        entityId: principal.id,
      });
      const communeName = commune.name[locale] ?? commune.name.ar ?? commune.code;
      await enqueue(trx, {
        kind: 'notify.mail',
        communeId: commune.id,
        payload: {
          to: account.email,
          language: locale,
          subject: i18n.t('mail.password_changed.subject'),
          text: i18n.t('mail.password_changed.body', { name: principal.displayName, commune: communeName, when: new Date() }),
        },
      });
    });
  }
}

/**
 * Deletes expired sessions and sign-in attempts older than the lock-out window, across communes
 * (runs as the platform, not as a tenant). Scheduled every ten minutes on one instance.
 */
export async function purgeExpired(db: Database, lockoutMinutes: number) {
  await repo.purgeExpired(db.kysely, new Date(Date.now() - Math.max(lockoutMinutes, 60 * 24) * 60_000));
}
