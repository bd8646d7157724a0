import { AppError, forbidden, unauthenticated } from '../http/errors.js';
import { type Role, roleHas } from './permissions.js';

/** A signed-in staff member (session cookie). */
export interface UserPrincipal {
  kind: 'user';
  id: string;
  email: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  /** The materialized path of the user's department: the subtree their permissions reach. */
  departmentPath: string | null;
  locale: string | null;
  sessionId: string;
  csrfToken: string;
}

/** A machine client (Bearer API key), scoped to its commune and its listed permissions. */
export interface ApiKeyPrincipal {
  kind: 'api_key';
  id: string;
  name: string;
  permissions: string[];
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

export function holds(principal: Principal, permission: string): boolean {
  return principal.kind === 'user' ? roleHas(principal.role, permission) : principal.permissions.includes(permission);
}

/** True when every department path lies in the principal's subtree (a commune-wide principal reaches all). */
export function reaches(principal: Principal, departmentPaths: readonly (string | null)[]): boolean {
  if (principal.kind === 'api_key' || principal.departmentPath === null) return true;
  const scope = principal.departmentPath;
  return departmentPaths.every((path) => path?.startsWith(scope) ?? false);
}

/**
 * Throws 401 without a principal, 403 when it lacks `permission` or any of `departmentPaths` is
 * outside its subtree. Services call this first, for all the ids they touch at once.
 */
export function authorize(
  principal: Principal | null,
  permission: string,
  departmentPaths: readonly (string | null)[] = [],
): asserts principal is Principal {
  if (!principal) throw unauthenticated();
  if (!holds(principal, permission)) throw forbidden();
  if (!reaches(principal, departmentPaths)) {
    throw new AppError('forbidden', 403, 'problem.outside_scope.detail');
  }
}
