import { Type } from 'typebox';
import {
  Email,
  multilingual,
  Nullable,
  PageMeta,
  PageQuery,
  Phone,
  Strict,
  TextOut as Text,
  Timestamp,
  Uuid,
} from '../../platform/http/schemas.js';
import { LIMITS } from '../../platform/limits.js';

export const ANNOUNCEMENT_STATUSES = ['draft', 'published', 'archived'] as const;
export type AnnouncementStatus = (typeof ANNOUNCEMENT_STATUSES)[number];
const Status = Type.Unsafe<AnnouncementStatus>({ type: 'string', enum: [...ANNOUNCEMENT_STATUSES] });

const Title = multilingual(LIMITS.announcementTitleMax, 'line');
// Plain text: the web app shows it as text, never as HTML; line breaks and tabs are kept.
const Body = multilingual(LIMITS.announcementBodyMax, 'text');

export const AnnouncementResponse = Type.Object({
  id: Uuid,
  title: Text,
  body: Text,
  status: Status,
  publishedAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  author: Nullable(Type.Object({ displayName: Type.String() }, { description: 'Who wrote it (staff only; null in the public list)' })),
  isDemo: Type.Boolean({ description: 'Demonstration content, not an official communication' }),
});
export const AnnouncementListResponse = Type.Object({ items: Type.Array(AnnouncementResponse), page: PageMeta });
export const AnnouncementListQuery = Strict({ ...PageQuery });
export const AnnouncementManageQuery = Strict({ ...PageQuery, status: Type.Optional(Status) });
export const AnnouncementCreateBody = Strict({
  title: Title,
  body: Body,
  status: Type.Unsafe<'draft' | 'published'>({ type: 'string', enum: ['draft', 'published'] }),
});
export const AnnouncementUpdateBody = Strict({
  title: Type.Optional(Title),
  body: Type.Optional(Body),
  status: Type.Optional(Status),
});

const Time = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM, 24-hour clock' });
const OpeningPeriod = Type.Object({
  day: Type.Integer({ minimum: 1, maximum: 7, description: 'ISO weekday: 1 = Monday … 7 = Sunday' }),
  opens: Time,
  closes: Time,
});
const SortOrder = Type.Integer({ minimum: 0, maximum: 9999, description: 'Smaller first; ties by name' });

export const OfficeResponse = Type.Object({
  id: Uuid,
  name: Text,
  address: Nullable(Text),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  hours: Type.Array(OpeningPeriod, { description: 'Opening periods, by day then time' }),
  note: Nullable(Text),
  sortOrder: Type.Integer(),
  isDemo: Type.Boolean({ description: 'Demonstration data, to be checked with the commune' }),
});
export const OfficeListResponse = Type.Object({ items: Type.Array(OfficeResponse) });

const OfficeName = multilingual(LIMITS.officeNameMax, 'line');
const OfficeAddress = Nullable(multilingual(LIMITS.officeAddressMax, 'text'));
const OfficeNote = Nullable(multilingual(LIMITS.officeNoteMax, 'text'));
const Hours = Type.Array(Strict(OpeningPeriod.properties), {
  maxItems: LIMITS.officeHoursMax,
  description: 'Each period closes after it opens',
});

/** Only the name is required: the rest default to null, no hours and sort order 0. */
export const OfficeCreateBody = Strict({
  name: OfficeName,
  address: Type.Optional(OfficeAddress),
  phone: Type.Optional(Nullable(Phone)),
  email: Type.Optional(Nullable(Email)),
  hours: Type.Optional(Hours),
  note: Type.Optional(OfficeNote),
  sortOrder: Type.Optional(SortOrder),
});
export const OfficeUpdateBody = Strict({
  name: Type.Optional(OfficeName),
  address: Type.Optional(OfficeAddress),
  phone: Type.Optional(Nullable(Phone)),
  email: Type.Optional(Nullable(Email)),
  hours: Type.Optional(Hours),
  note: Type.Optional(OfficeNote),
  sortOrder: Type.Optional(SortOrder),
});
