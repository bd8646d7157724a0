import { Type } from 'typebox';
import {
  MultilingualText,
  multilingual,
  Nullable,
  PageMeta,
  PageQuery,
  Strict,
  TextOut,
  Timestamp,
  Uuid,
} from '../../platform/http/schemas.js';
import { Code, SCHEDULE_LIMITS } from './schedules.schemas.js';

export const GroupBody = Strict({
  code: Code,
  name: MultilingualText,
  description: Type.Optional(Nullable(multilingual(1000, 'text'))),
});
export const GroupResponse = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: TextOut,
  description: Nullable(TextOut),
  memberCount: Type.Integer(),
  scheduleId: Nullable(Uuid),
  isDemo: Type.Boolean(),
  updatedAt: Timestamp,
});
export const GroupListResponse = Type.Object({ items: Type.Array(GroupResponse) });

const Ids = Type.Array(Uuid, { maxItems: SCHEDULE_LIMITS.membersMax, uniqueItems: true });
/** Luminaires to add, by id or every luminaire of some cabinets; a luminaire leaves its former group. */
export const MembersAddBody = Strict({
  luminaireIds: Type.Optional(Ids),
  cabinetIds: Type.Optional(Type.Array(Uuid, { maxItems: 500, uniqueItems: true })),
});
export const MembersRemoveBody = Strict({ luminaireIds: Ids });
export const MembersChangeResponse = Type.Object({ changed: Type.Integer(), memberCount: Type.Integer() });
export const MembersQuery = Strict({ ...PageQuery });
export const MembersResponse = Type.Object({
  items: Type.Array(Type.Object({ id: Uuid, code: Type.String(), cabinetId: Nullable(Uuid), deviceId: Nullable(Type.String()) })),
  page: PageMeta,
});
