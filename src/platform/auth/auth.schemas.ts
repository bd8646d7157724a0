import { Type } from 'typebox';
import { Locale, Strict, Uuid } from '../http/schemas.js';
import { LIMITS } from '../limits.js';
import { ROLES } from './permissions.js';

export const LoginBody = Strict({
  email: Type.String({ minLength: 3, maxLength: LIMITS.emailMax }),
  password: Type.String({ minLength: 1, maxLength: LIMITS.passwordMax }),
});

export const PasswordChangeBody = Strict({
  currentPassword: Type.String({ minLength: 1, maxLength: LIMITS.passwordMax }),
  newPassword: Type.String({ minLength: 1, maxLength: LIMITS.passwordMax }),
});

export const Role = Type.Unsafe<(typeof ROLES)[number]>({ type: 'string', enum: [...ROLES] });

export const MeResponse = Type.Object({
  user: Type.Optional(
    Type.Object({
      id: Uuid,
      email: Type.String(),
      displayName: Type.String(),
      role: Role,
      departmentId: Type.Union([Uuid, Type.Null()]),
      locale: Type.Union([Locale, Type.Null()]),
    }),
  ),
  apiKey: Type.Optional(Type.Object({ id: Uuid, name: Type.String() })),
  commune: Type.Object({
    code: Type.String(),
    name: Type.Record(Type.String(), Type.String()),
    defaultLocale: Type.String(),
    timeZone: Type.String(),
  }),
  permissions: Type.Array(Type.String()),
  csrfToken: Type.Optional(Type.String({ description: 'Send it back in X-CSRF-Token on every cookie-authenticated write' })),
});

export const LoginResponse = Type.Object({
  csrfToken: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});
