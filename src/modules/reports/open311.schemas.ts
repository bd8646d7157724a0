import { type TSchema, Type } from 'typebox';
import { Email, Nullable, Phone, plainText, Strict, Uuid } from '../../platform/http/schemas.js';
import { LOCALES } from '../../platform/i18n/index.js';
import { LIMITS } from '../../platform/limits.js';
import { DATATYPES, type Datatype } from './categories.repository.js';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) and mySociety's
 * `servicerequestupdates` extension, as Madina serves them under /open311/v2. The JSON shapes are
 * the spec's; the XML documents carry the same fields under the spec's element names.
 */

export const FORMATS = ['json', 'xml'] as const;
export type Format = (typeof FORMATS)[number];
const FormatT = Type.Unsafe<Format>({ type: 'string', enum: [...FORMATS], description: 'json (application/json) or xml (text/xml)' });

/** At most this many requests or updates in one answer (the spec's default limit). */
export const MAX_RESULTS = 1000;
/** The span a query may cover, and the default span when it gives no dates (the spec's 90 days). */
export const MAX_SPAN_DAYS = 90;

/** W3C date-time (the spec's format) with its offset: 2026-11-29T14:05:00+01:00, 2026-11-29T13:05:00Z. */
export const W3C_DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';
const DateTimeIn = (description: string) =>
  Type.String({ pattern: W3C_DATE_TIME, maxLength: 40, description: `${description}, W3C date-time with its offset` });
const DateTimeOut = Type.String({
  description: "W3C date-time with the offset of the commune's time zone, e.g. 2026-11-29T14:05:00+01:00",
});
const Id = (description: string) => Type.String({ description });

const Common = {
  jurisdiction_id: Type.Optional(
    Type.String({
      maxLength: 253,
      description: "The commune's code (e.g. berkane) or one of its host names; without it, the commune this host serves",
    }),
  ),
  locale: Type.Optional(
    Type.Unsafe<(typeof LOCALES)[number]>({
      type: 'string',
      enum: [...LOCALES],
      description: 'Language of names and messages; else Accept-Language, else the commune’s',
    }),
  ),
  api_key: Type.Optional(Type.String({ maxLength: 200, description: 'Accepted and ignored: reading needs no key' })),
};

export const CommonQuery = Strict(Common);
export const FormatParams = Strict({ format: FormatT });
export const ServiceParams = Strict({ service_code: Type.String({ maxLength: 200 }), format: FormatT });
export const RequestParams = Strict({ service_request_id: Type.String({ maxLength: 40 }), format: FormatT });
export const TokenParams = Strict({ token: Type.String({ maxLength: 200 }), format: FormatT });

const Codes = '[a-z0-9][a-z0-9_-]{0,62}';
export const RequestsQuery = Strict({
  ...Common,
  service_request_id: Type.Optional(
    Type.String({
      pattern: `^\\s*[0-9]{1,18}\\s*(,\\s*[0-9]{1,18}\\s*){0,${MAX_RESULTS - 1}}$`,
      description: 'One or more request ids, comma-separated; when given, the other filters are ignored',
    }),
  ),
  service_code: Type.Optional(
    Type.String({ pattern: `^\\s*${Codes}\\s*(,\\s*${Codes}\\s*){0,99}$`, description: 'One or more service codes, comma-separated' }),
  ),
  start_date: Type.Optional(DateTimeIn(`Earliest requested_datetime; without end_date, the ${MAX_SPAN_DAYS} days from it`)),
  end_date: Type.Optional(DateTimeIn(`Latest requested_datetime; without start_date, the ${MAX_SPAN_DAYS} days up to it`)),
  status: Type.Optional(
    Type.String({ pattern: '^\\s*(open|closed)\\s*(,\\s*(open|closed)\\s*)?$', description: 'open, closed, or both comma-separated' }),
  ),
});
export const UpdatesQuery = Strict({
  ...Common,
  start_date: Type.Optional(DateTimeIn('Earliest update')),
  end_date: Type.Optional(DateTimeIn('Latest update')),
});

/** `attribute[code]=value`, and `attribute[code][]=value` once per value of a multivaluelist. */
export const ATTRIBUTE_FIELD = /^attribute\[([A-Za-z0-9][A-Za-z0-9_-]{0,62})\](\[\])?$/;
const AttributeValue = Type.Union([
  Type.String({ maxLength: LIMITS.descriptionMax }),
  Type.Array(Type.String({ maxLength: LIMITS.codeMax }), { maxItems: 100 }),
]);
const NAME_MAX = 60;

const requestFields = {
  api_key: Type.Optional(Type.String({ maxLength: 200, description: 'Required: a key issued by the commune (madina apikey add)' })),
  jurisdiction_id: Common.jurisdiction_id,
  service_code: Type.String({ maxLength: 200, description: 'From GET services' }),
  lat: Type.Optional(
    Type.Number({ minimum: -90, maximum: 90, description: 'WGS 84 latitude; with long, or give address_string or address_id' }),
  ),
  long: Type.Optional(Type.Number({ minimum: -180, maximum: 180, description: 'WGS 84 longitude' })),
  address_string: Type.Optional(plainText(LIMITS.addressMax, 'line')),
  address_id: Type.Optional(Type.Unsafe<string>({ ...Uuid, description: 'A district id (the address_id of GET requests)' })),
  email: Type.Optional(Email),
  device_id: Type.Optional(Type.String({ maxLength: 200 })),
  account_id: Type.Optional(Type.String({ maxLength: 200, description: 'Accepted; not kept (Madina has no citizen accounts)' })),
  first_name: Type.Optional(plainText(NAME_MAX, 'line')),
  last_name: Type.Optional(plainText(NAME_MAX, 'line')),
  phone: Type.Optional(Phone),
  description: Type.Optional(plainText(LIMITS.descriptionMax, 'text')),
  media_url: Type.Optional(
    Type.String({
      pattern: '^https?://[^\\s]+$',
      maxLength: 2000,
      description: 'Kept as a note for staff; the server does not fetch it',
    }),
  ),
  locale: Common.locale,
};
const requestOptions = {
  additionalProperties: false,
  patternProperties: { [ATTRIBUTE_FIELD.source]: AttributeValue },
} as const;

/** The fields of POST requests as the server checks them (form values are text: numbers are coerced). */
export const RequestFields = Type.Object(requestFields, requestOptions);
/** The same, as documented: either encoding, and `media` files in multipart/form-data. */
export const RequestCreateBody = Type.Object(
  {
    ...requestFields,
    media: Type.Optional(
      Type.Unsafe<unknown>({
        type: 'string',
        format: 'binary',
        description: `multipart/form-data only: up to ${LIMITS.photosPerReport} photos (JPEG, PNG, WebP or AVIF), re-encoded without metadata, public once staff approve them`,
      }),
    ),
  },
  {
    ...requestOptions,
    description:
      'Answers to the service’s attributes as attribute[code]=value (attribute[code][]=value once per value of a multivaluelist). Empty fields count as absent.',
  },
);

const Text = Nullable(Type.String());

export const Open311Errors = Type.Array(
  Type.Object({ code: Type.Integer({ description: 'The HTTP status' }), description: Type.String() }),
  {
    description: 'Open311 errors (XML: <errors><error><code/><description/></error></errors>)',
  },
);

export const DiscoveryResponse = Type.Object({
  changeset: DateTimeOut,
  contact: Type.String(),
  key_service: Type.String(),
  endpoints: Type.Array(
    Type.Object({
      specification: Type.String(),
      url: Type.String(),
      changeset: DateTimeOut,
      type: Type.Unsafe<'production'>({ type: 'string', enum: ['production'] }),
      formats: Type.Array(Type.String()),
    }),
  ),
});

export const ServiceList = Type.Array(
  Type.Object({
    service_code: Type.String(),
    service_name: Type.String(),
    description: Text,
    metadata: Type.Boolean({ description: 'true when the service has attributes (see its definition)' }),
    type: Type.Unsafe<'realtime'>({ type: 'string', enum: ['realtime'] }),
    keywords: Text,
    group: Type.String(),
  }),
);

export const ServiceDefinition = Type.Object({
  service_code: Type.String(),
  attributes: Type.Array(
    Type.Object({
      variable: Type.Boolean(),
      code: Type.String(),
      datatype: Type.Unsafe<Datatype>({ type: 'string', enum: [...DATATYPES] }),
      required: Type.Boolean(),
      datatype_description: Text,
      order: Type.Integer({ minimum: 1 }),
      description: Type.String(),
      values: Type.Optional(Type.Array(Type.Object({ key: Type.String(), name: Type.String() }))),
    }),
  ),
});

export const RequestCreated = Type.Array(
  Type.Object({
    service_request_id: Id('The new request’s id (created at once: no token)'),
    service_notice: Text,
    account_id: Type.Null(),
  }),
);

export const RequestList = Type.Array(
  Type.Object({
    service_request_id: Id('The tracking number, as a string'),
    status: Type.Unsafe<'open' | 'closed'>({ type: 'string', enum: ['open', 'closed'] }),
    status_notes: Text,
    service_name: Type.String(),
    service_code: Type.String(),
    description: Nullable(Type.String({ description: 'null when staff hid it' })),
    agency_responsible: Text,
    service_notice: Text,
    requested_datetime: DateTimeOut,
    updated_datetime: DateTimeOut,
    expected_datetime: DateTimeOut,
    address: Text,
    address_id: Nullable(Type.String({ description: 'The district id' })),
    zipcode: Text,
    lat: Nullable(Type.Number()),
    long: Nullable(Type.Number()),
    media_url: Nullable(Type.String({ description: 'The first photo staff approved' })),
  }),
);

export const TokenResponse = Type.Array(Type.Object({ service_request_id: Type.String(), token: Type.String() }));

/** mySociety's status names (FixMyStreet's extended states). */
export const UPDATE_STATUSES = [
  'OPEN',
  'ACTION_SCHEDULED',
  'IN_PROGRESS',
  'FIXED',
  'CLOSED',
  'NO_FURTHER_ACTION',
  'NOT_COUNCILS_RESPONSIBILITY',
  'DUPLICATE',
] as const;
export const UpdateList = Type.Array(
  Type.Object({
    update_id: Type.String(),
    service_request_id: Type.String(),
    status: Type.Unsafe<(typeof UPDATE_STATUSES)[number]>({ type: 'string', enum: [...UPDATE_STATUSES] }),
    updated_datetime: DateTimeOut,
    description: Type.String(),
    media_url: Type.String(),
  }),
);

/** A response in both formats for the OpenAPI description; `xml` says what the XML document holds. */
export function bothFormats(json: TSchema, xml: string, description = 'OK') {
  return {
    description,
    content: {
      'application/json': { schema: json },
      'text/xml': { schema: Type.String({ description: xml }) },
    },
  };
}

const errors = (description: string) => bothFormats(Open311Errors, '<errors><error><code/><description/></error></errors>', description);
export const ErrorResponses = {
  400: errors('The request is not valid (the errors say which fields)'),
  403: errors('Missing or invalid api_key'),
  404: errors('No such jurisdiction, service, request or token'),
};
