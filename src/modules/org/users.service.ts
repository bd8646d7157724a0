import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import { deleteUserSessions } from '../../platform/auth/auth.repository.js';
import { normalizeEmail } from '../../platform/auth/auth.service.js';
import { hashPassword, isStrongEnough } from '../../platform/auth/passwords.js';
import { assignableRoles, type Role } from '../../platform/auth/permissions.js';
import { authorize, reaches } from '../../platform/auth/principal.js';
import type { Database } from '../../platform/db/database.js';
import { type Tx, withCommune } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../platform/http/errors.js';
import { LIMITS } from '../../platform/limits.js';
import { findDepartment } from './departments.repository.js';
import { conflictOn } from './departments.service.js';
import * as repo from './users.repository.js';

export interface UserCreateInput {
  email: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  locale: string | null;
  password: string;
}

export type UserUpdateInput = Partial<Omit<UserCreateInput, 'email'>> & { active?: boolean };

function weakPassword() {
  return new AppError('weak_password', 400, 'problem.weak_password.detail', { min: LIMITS.passwordMin }, [
    { pointer: '/body/password', key: 'problem.weak_password.title' },
  ]);
}

async function departmentPath(trx: Tx, departmentId: string | null): Promise<string | null> {
  if (departmentId === null) return null;
  const department = await findDepartment(trx, departmentId);
  if (!department) throw invalid('/body/departmentId');
  return department.path;
}

/**
 * Inserts an account and records it in the audit log, inside the caller's tenant transaction; a
 * taken email is a 409. Callers check permissions and the password first: the office through
 * `UsersService.create`, the operator through `madina user add`.
 */
export async function insertAccount(
  trx: Tx,
  communeId: string,
  actor: Actor,
  account: { email: string; displayName: string; passwordHash: string; role: Role; departmentId: string | null; locale: string | null },
): Promise<repo.UserRow> {
  const { id } = await repo.insertUser(trx, { communeId, ...account }).catch(conflictOn<never>('email'));
  const after = await repo.findUser(trx, id);
  await recordAudit(trx, communeId, actor, { action: 'platform.user.create', entityType: 'user', entityId: id, after });
  return after as repo.UserRow;
}

/** Staff accounts. A supervisor manages the accounts of their department's subtree, below their own role. */
export class UsersService {
  constructor(private readonly db: Database) {}

  list(ctx: CallContext, filter: Omit<repo.UserFilter, 'scopePath'>) {
    const principal = ctx.principal;
    authorize(principal, 'platform.users.read');
    const scopePath = principal.kind === 'user' ? principal.departmentPath : null;
    return withCommune(this.db, ctx.communeId, (trx) => repo.listUsers(trx, { ...filter, scopePath }));
  }

  async get(ctx: CallContext, id: string) {
    authorize(ctx.principal, 'platform.users.read');
    const principal = ctx.principal;
    const row = await withCommune(this.db, ctx.communeId, (trx) => repo.findUser(trx, id));
    // Outside the caller's reach looks the same as missing.
    if (!row || !reaches(principal, [row.departmentPath])) throw notFound();
    return row;
  }

  async create(ctx: CallContext, input: UserCreateInput) {
    authorize(ctx.principal, 'platform.users.manage');
    const email = normalizeEmail(input.email);
    if (!isStrongEnough(input.password, email)) throw weakPassword();
    const passwordHash = await hashPassword(input.password);
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const path = await departmentPath(trx, input.departmentId);
      authorize(ctx.principal, 'platform.users.manage', [path]);
      this.checkRole(ctx, input.role);
      return insertAccount(trx, ctx.communeId, ctx.actor, {
        email,
        displayName: input.displayName,
        passwordHash,
        role: input.role,
        departmentId: input.departmentId,
        locale: input.locale,
      });
    });
  }

  async update(ctx: CallContext, id: string, input: UserUpdateInput) {
    authorize(ctx.principal, 'platform.users.manage');
    let passwordHash: string | undefined;
    return withCommune(this.db, ctx.communeId, async (trx) => {
      const before = await repo.findUser(trx, id);
      if (!before || !reaches(ctx.principal!, [before.departmentPath])) throw notFound();
      const newPath = input.departmentId !== undefined ? await departmentPath(trx, input.departmentId) : before.departmentPath;
      authorize(ctx.principal, 'platform.users.manage', [before.departmentPath, newPath]);
      // A supervisor can neither touch an account at or above their role nor raise one to it.
      this.checkRole(ctx, before.role as Role);
      if (input.role !== undefined) this.checkRole(ctx, input.role);
      if (input.password !== undefined) {
        if (!isStrongEnough(input.password, before.email)) throw weakPassword();
        passwordHash = await hashPassword(input.password);
      }
      const losesAdmin =
        before.role === 'admin' && before.active && ((input.role !== undefined && input.role !== 'admin') || input.active === false);
      if (losesAdmin && (await repo.countActiveAdmins(trx)) <= 1) throw conflict('problem.last_admin.detail');
      await repo.updateUser(trx, id, {
        displayName: input.displayName,
        role: input.role,
        departmentId: input.departmentId,
        locale: input.locale,
        active: input.active,
        passwordHash,
      });
      // Deactivation or a reset password ends the account's sessions at once.
      if (input.active === false || passwordHash) await deleteUserSessions(trx, id);
      const after = await repo.findUser(trx, id);
      await recordAudit(trx, ctx.communeId, ctx.actor, {
        action: passwordHash ? 'platform.user.update_password_reset' : 'platform.user.update',
        entityType: 'user',
        entityId: id,
        before,
        after,
      });
      return after as repo.UserRow;
    });
  }

  private checkRole(ctx: CallContext, role: Role) {
    const principal = ctx.principal;
    if (principal?.kind === 'user' && !assignableRoles(principal.role).includes(role)) throw forbidden();
  }
}
