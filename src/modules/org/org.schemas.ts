import { Type } from 'typebox';
import { Role } from '../../platform/auth/auth.schemas.js';
import { Locale, MultilingualText, Nullable, PageMeta, PageQuery, Strict, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { LIMITS } from '../../platform/limits.js';

const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', maxLength: LIMITS.codeMax });

export const DepartmentResponse = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.Record(Type.String(), Type.String()),
  parentId: Nullable(Uuid),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const DepartmentListResponse = Type.Object({ items: Type.Array(DepartmentResponse) });
export const DepartmentCreateBody = Strict({ code: Code, name: MultilingualText, parentId: Type.Optional(Nullable(Uuid)) });
export const DepartmentUpdateBody = Strict({
  code: Type.Optional(Code),
  name: Type.Optional(MultilingualText),
  parentId: Type.Optional(Nullable(Uuid)),
});

export const UserResponse = Type.Object({
  id: Uuid,
  email: Type.String(),
  displayName: Type.String(),
  role: Role,
  departmentId: Nullable(Uuid),
  locale: Nullable(Locale),
  active: Type.Boolean(),
  isDemo: Type.Boolean(),
  lastLoginAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const UserListResponse = Type.Object({ items: Type.Array(UserResponse), page: PageMeta });
export const UserListQuery = Strict({
  ...PageQuery,
  departmentId: Type.Optional(Uuid),
  role: Type.Optional(Role),
  active: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.searchMax })),
});
const Email = Type.String({ format: 'email', maxLength: LIMITS.emailMax });
const DisplayName = Type.String({ minLength: 1, maxLength: LIMITS.displayNameMax });
const Password = Type.String({ minLength: 1, maxLength: LIMITS.passwordMax });
export const UserCreateBody = Strict({
  email: Email,
  displayName: DisplayName,
  role: Role,
  departmentId: Type.Optional(Nullable(Uuid)),
  locale: Type.Optional(Nullable(Locale)),
  password: Password,
});
export const UserUpdateBody = Strict({
  displayName: Type.Optional(DisplayName),
  role: Type.Optional(Role),
  departmentId: Type.Optional(Nullable(Uuid)),
  locale: Type.Optional(Nullable(Locale)),
  active: Type.Optional(Type.Boolean()),
  password: Type.Optional(Password),
});

export const ApiKeyResponse = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  permissions: Type.Array(Type.String()),
  createdBy: Nullable(Uuid),
  createdAt: Timestamp,
  lastUsedAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
});
export const ApiKeyListResponse = Type.Object({ items: Type.Array(ApiKeyResponse) });
export const ApiKeyCreateBody = Strict({
  name: Type.String({ minLength: 1, maxLength: LIMITS.apiKeyNameMax }),
  permissions: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 }),
});
export const ApiKeyCreatedResponse = Type.Object({
  ...ApiKeyResponse.properties,
  key: Type.String({ description: 'The key itself: shown once, never again' }),
});
