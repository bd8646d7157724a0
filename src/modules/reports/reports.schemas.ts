import { Type } from 'typebox';
import {
  Email,
  LatLon,
  Locale,
  multilingual,
  Nullable,
  PageMeta,
  PageQuery,
  Phone,
  plainText,
  Strict,
  TextOut,
  Timestamp,
  Uuid,
} from '../../platform/http/schemas.js';
import { LIMITS } from '../../platform/limits.js';
import { DATATYPES, type Datatype } from './categories.repository.js';
import { STATUSES, type Status } from './reports.repository.js';

const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$', maxLength: LIMITS.codeMax });
const StatusT = Type.Unsafe<Status>({ type: 'string', enum: [...STATUSES] });
const Description = plainText(LIMITS.descriptionMax, 'text');
const Line = (max: number) => plainText(max, 'line');
export const NumberParams = Strict({ number: Type.String({ pattern: '^[1-9][0-9]{0,17}$', description: 'The tracking number' }) });
export const NumberPhotoParams = Strict({ number: NumberParams.properties.number, photoId: Uuid });
export const IdPhotoParams = Strict({ id: Uuid, photoId: Uuid });
export const PhotoQuery = Strict({ size: Type.Optional(Type.Unsafe<'full' | 'thumb'>({ type: 'string', enum: ['full', 'thumb'] })) });
/** The secret of the tracking link travels in a header, never in a URL that logs would keep. */
export const TokenHeaders = Type.Object({ 'x-report-token': Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }) });
export const OptionalTokenHeaders = Type.Object({ 'x-report-token': Type.Optional(TokenHeaders.properties['x-report-token']) });

const AttributeOut = Type.Object({
  code: Type.String(),
  datatype: Type.Unsafe<Datatype>({ type: 'string', enum: [...DATATYPES] }),
  required: Type.Boolean(),
  description: TextOut,
  order: Type.Integer(),
  values: Type.Optional(Type.Array(Type.Object({ key: Type.String(), name: TextOut }))),
});
export const CategoryResponse = Type.Object({
  id: Uuid,
  code: Type.String({ description: 'Open311 service_code' }),
  group: Type.String(),
  name: TextOut,
  description: Nullable(TextOut),
  keywords: Type.Array(Type.String()),
  targetHours: Type.Integer({ description: 'Expected time to resolve, in hours' }),
  attributes: Type.Array(AttributeOut),
  isPublic: Type.Boolean(),
  enabled: Type.Boolean(),
  department: Type.Object({ id: Uuid, name: TextOut }),
  isDemo: Type.Boolean(),
});
export const CategoryListResponse = Type.Object({ items: Type.Array(CategoryResponse) });
export const DistrictListResponse = Type.Object({ items: Type.Array(Type.Object({ id: Uuid, name: TextOut })) });

const AttributeIn = Strict({
  code: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$' }),
  datatype: Type.Unsafe<Datatype>({ type: 'string', enum: [...DATATYPES] }),
  required: Type.Boolean(),
  description: multilingual(LIMITS.nameMax, 'line'),
  order: Type.Integer({ minimum: 0, maximum: 999 }),
  values: Type.Optional(
    Type.Array(Strict({ key: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$' }), name: multilingual(LIMITS.nameMax, 'line') }), {
      maxItems: 100,
    }),
  ),
});
const CategoryFields = {
  departmentId: Uuid,
  group: Code,
  name: multilingual(LIMITS.nameMax, 'line'),
  description: Nullable(multilingual(LIMITS.descriptionMax, 'text')),
  keywords: Type.Array(Line(LIMITS.nameMax), { maxItems: 30 }),
  targetHours: Type.Integer({ minimum: 1, maximum: 8760 }),
  attributes: Type.Array(AttributeIn, { maxItems: 30 }),
  isPublic: Type.Boolean(),
  enabled: Type.Boolean(),
  sortOrder: Type.Integer({ minimum: 0, maximum: 9999 }),
};
export const CategoryCreateBody = Strict({
  code: Code,
  ...CategoryFields,
  description: Type.Optional(CategoryFields.description),
  keywords: Type.Optional(CategoryFields.keywords),
  attributes: Type.Optional(CategoryFields.attributes),
  isPublic: Type.Optional(CategoryFields.isPublic),
  enabled: Type.Optional(CategoryFields.enabled),
  sortOrder: Type.Optional(CategoryFields.sortOrder),
});
export const CategoryUpdateBody = Strict(
  Object.fromEntries(Object.entries(CategoryFields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof typeof CategoryFields]: ReturnType<typeof Type.Optional<(typeof CategoryFields)[K]>>;
  },
);

const AnswerValue = Type.Union([
  Type.String({ maxLength: LIMITS.descriptionMax }),
  Type.Number(),
  Type.Array(Type.String({ maxLength: 63 }), { maxItems: 100 }),
]);
const Answers = Type.Record(Type.String({ maxLength: 63 }), AnswerValue, { maxProperties: 30 });

export const ReportSubmitBody = Strict({
  category: Code,
  location: Type.Optional(Nullable(LatLon)),
  address: Type.Optional(Nullable(Line(LIMITS.addressMax))),
  districtId: Type.Optional(Nullable(Uuid)),
  description: Description,
  attributes: Type.Optional(Answers),
  contact: Type.Optional(
    Nullable(
      Strict({
        name: Type.Optional(Nullable(Line(LIMITS.displayNameMax))),
        email: Type.Optional(Nullable(Email)),
        phone: Type.Optional(Nullable(Phone)),
      }),
    ),
  ),
  locale: Type.Optional(Locale),
});

const Photo = Type.Object({ id: Uuid, url: Type.String(), thumbUrl: Type.String(), width: Type.Integer(), height: Type.Integer() });
const PublicUpdate = Type.Object({ at: Timestamp, status: Nullable(StatusT), text: Nullable(Type.String()) });

export const PublicReport = Type.Object({
  number: Type.String(),
  category: Type.Object({ code: Type.String(), name: TextOut }),
  status: StatusT,
  location: Nullable(LatLon),
  address: Nullable(Type.String()),
  district: Nullable(Type.Object({ id: Uuid, name: TextOut })),
  description: Nullable(Type.String({ description: 'null when staff hid it' })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  expectedBy: Timestamp,
  resolvedAt: Nullable(Timestamp),
  resolution: Type.Object({
    note: Nullable(Type.String()),
    responsibleBody: Nullable(Type.String()),
    duplicateOf: Nullable(Type.String()),
  }),
  photos: Type.Array(Photo),
  isDemo: Type.Boolean(),
});
export const PublicReportDetail = Type.Intersect([PublicReport, Type.Object({ updates: Type.Array(PublicUpdate) })]);
export const PublicReportList = Type.Object({ items: Type.Array(PublicReport), page: PageMeta });

export const TrackedReport = Type.Intersect([
  PublicReportDetail,
  Type.Object({
    attributes: Type.Record(Type.String(), AnswerValue),
    contact: Type.Object({ name: Nullable(Type.String()), email: Nullable(Type.String()), phone: Nullable(Type.String()) }),
    editableUntil: Timestamp,
    canEdit: Type.Boolean(),
    canReopen: Type.Boolean(),
    photosPending: Type.Integer({ description: 'Photos waiting for staff approval before the public sees them' }),
  }),
]);
export const SubmitResponse = Type.Object({
  report: TrackedReport,
  token: Type.String({ description: 'The secret of the tracking link: send it back in X-Report-Token' }),
  trackingUrl: Type.String(),
});

const CsvCodes = Type.String({ pattern: '^[a-z0-9_-]{1,63}(,[a-z0-9_-]{1,63}){0,29}$', description: 'One or more codes, comma-separated' });
const Bbox = Type.String({
  pattern: '^-?[0-9]+(\\.[0-9]+)?,-?[0-9]+(\\.[0-9]+)?,-?[0-9]+(\\.[0-9]+)?,-?[0-9]+(\\.[0-9]+)?$',
  description: 'west,south,east,north in degrees (WGS 84)',
});
const ListFilters = {
  ...PageQuery,
  category: Type.Optional(CsvCodes),
  status: Type.Optional(
    Type.String({
      pattern: `^(${[...STATUSES, 'unresolved', 'resolved'].join('|')})(,(${[...STATUSES, 'unresolved', 'resolved'].join('|')})){0,10}$`,
    }),
  ),
  district: Type.Optional(Uuid),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  bbox: Type.Optional(Bbox),
};
export const PublicListQuery = Strict(ListFilters);
export const QueueQuery = Strict({
  ...ListFilters,
  number: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,17}$', description: 'The tracking number a citizen reads out' })),
  overdue: Type.Optional(Type.Boolean()),
  order: Type.Optional(Type.Unsafe<'newest' | 'due'>({ type: 'string', enum: ['newest', 'due'] })),
});
export const NearbyQuery = Strict({
  category: Code,
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
});
export const NearbyResponse = Type.Object({
  radiusMetres: Type.Integer(),
  items: Type.Array(Type.Intersect([PublicReport, Type.Object({ distanceMetres: Type.Number() })])),
});
export const FollowBody = Strict({ email: Email, locale: Type.Optional(Locale) });
export const CitizenEditBody = Strict({
  description: Type.Optional(Description),
  attributes: Type.Optional(Answers),
  removeContact: Type.Optional(Type.Literal(true, { description: 'Remove my name, email and phone from the report' })),
});
export const ReopenBody = Strict({ reason: Description });

// The office.
const StaffUpdate = Type.Object({
  id: Uuid,
  at: Timestamp,
  kind: Type.String(),
  status: Nullable(StatusT),
  text: Nullable(Type.String()),
  isPublic: Type.Boolean(),
  author: Nullable(Type.String()),
});
const StaffPhoto = Type.Intersect([Photo, Type.Object({ approved: Type.Boolean(), hidden: Type.Boolean(), uploadedBy: Type.String() })]);
export const StaffReport = Type.Object({
  id: Uuid,
  number: Type.String(),
  category: Type.Object({ code: Type.String(), name: TextOut }),
  department: Type.Object({ id: Uuid, name: TextOut }),
  status: StatusT,
  location: Nullable(LatLon),
  address: Nullable(Type.String()),
  district: Nullable(Type.Object({ id: Uuid, name: TextOut })),
  description: Type.String(),
  textHidden: Type.Boolean(),
  source: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  expectedBy: Timestamp,
  overdue: Type.Boolean(),
  resolvedAt: Nullable(Timestamp),
  reopenCount: Type.Integer(),
  resolution: Type.Object({
    note: Nullable(Type.String()),
    responsibleBody: Nullable(Type.String()),
    duplicateOf: Nullable(Type.String()),
  }),
  isDemo: Type.Boolean(),
});
export const StaffReportList = Type.Object({ items: Type.Array(StaffReport), page: PageMeta });
export const StaffReportDetail = Type.Intersect([
  StaffReport,
  Type.Object({
    attributes: Type.Record(Type.String(), AnswerValue),
    contact: Nullable(
      Type.Object(
        { name: Nullable(Type.String()), email: Nullable(Type.String()), phone: Nullable(Type.String()) },
        { description: 'null without the right to read contacts' },
      ),
    ),
    updates: Type.Array(StaffUpdate),
    photos: Type.Array(StaffPhoto),
    workOrder: Nullable(
      Type.Object({
        id: Uuid,
        number: Type.String(),
        status: Type.String(),
        team: Nullable(Type.String()),
        assignee: Nullable(Type.String()),
        contractor: Nullable(Type.String()),
        priority: Type.String(),
        dueAt: Nullable(Timestamp),
      }),
    ),
  }),
]);
export const TransitionBody = Strict({
  status: StatusT,
  note: Type.Optional(Nullable(Description)),
  responsibleBody: Type.Optional(Nullable(Line(LIMITS.nameMax))),
  duplicateOf: Type.Optional(Nullable(NumberParams.properties.number)),
});
export const UpdateBody = Strict({
  text: Description,
  public: Type.Boolean({ description: 'Shown on the report and sent to its citizens; false: an internal note' }),
});
export const AssignBody = Strict({
  team: Type.Optional(Nullable(Line(LIMITS.nameMax))),
  assigneeId: Type.Optional(Nullable(Uuid)),
  contractorId: Type.Optional(Nullable(Uuid)),
  priority: Type.Optional(Type.Unsafe<'low' | 'normal' | 'high' | 'urgent'>({ type: 'string', enum: ['low', 'normal', 'high', 'urgent'] })),
  dueAt: Type.Optional(Nullable(Timestamp)),
});
export const ModerationBody = Strict({
  textHidden: Type.Optional(Type.Boolean()),
  photos: Type.Optional(
    Type.Array(Strict({ id: Uuid, approved: Type.Optional(Type.Boolean()), hidden: Type.Optional(Type.Boolean()) }), {
      maxItems: LIMITS.photosPerReport,
    }),
  ),
});
