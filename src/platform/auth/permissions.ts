/** Staff roles, from most to least powerful. */
export const ROLES = ['admin', 'supervisor', 'agent', 'technician', 'inspector', 'contractor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

// permission name → roles that hold it. Modules add theirs with `definePermissions`.
const registry = new Map<string, Set<Role>>();

/**
 * Declares permissions (`module.resource.action`) and the roles that hold them. `admin` holds
 * every permission. A module calls this once, from its index.ts.
 */
export function definePermissions(grants: Record<string, readonly Role[]>) {
  for (const [permission, roles] of Object.entries(grants)) {
    if (!/^[a-z]+\.[a-z_]+\.[a-z_]+$/.test(permission)) throw new Error(`bad permission name ${permission}`);
    registry.set(permission, new Set<Role>(['admin', ...roles]));
  }
}

export function isPermission(name: string): boolean {
  return registry.has(name);
}

export function allPermissions(): string[] {
  return [...registry.keys()].sort();
}

export function roleHas(role: Role, permission: string): boolean {
  return registry.get(permission)?.has(role) ?? false;
}

export function permissionsOf(role: Role): string[] {
  return allPermissions().filter((p) => roleHas(role, p));
}

/** Roles a holder of `role` may give to others: never a role above their own. */
export function assignableRoles(role: Role): Role[] {
  if (role === 'admin') return [...ROLES];
  const rank = ROLES.indexOf(role);
  return ROLES.filter((_, i) => i > rank);
}

definePermissions({
  'platform.departments.read': ['supervisor', 'agent', 'technician', 'inspector', 'contractor', 'viewer'],
  'platform.departments.manage': [],
  'platform.users.read': ['supervisor'],
  'platform.users.manage': ['supervisor'],
  'platform.audit.read': [],
  'platform.apikeys.manage': [],
});
