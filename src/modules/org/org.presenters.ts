import type { DepartmentRow } from './departments.repository.js';
import type { UserRow } from './users.repository.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentDepartment(d: DepartmentRow) {
  return {
    id: d.id,
    code: d.code,
    name: d.name as Record<string, string>,
    parentId: d.parentId,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

export function presentUser(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role as 'admin',
    departmentId: u.departmentId,
    locale: u.locale as 'ar' | null,
    active: u.active,
    isDemo: u.isDemo,
    lastLoginAt: iso(u.lastLoginAt),
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

export function presentApiKey(k: {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    permissions: k.permissions,
    createdBy: k.createdBy,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  };
}
