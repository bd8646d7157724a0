import type { Multilingual } from '../../platform/db/types.js';
import { type Locale, pickText, type Translator } from '../../platform/i18n/index.js';
import type { CategoryRow } from './categories.repository.js';
import type { UPDATE_STATUSES } from './open311.schemas.js';
import type { XmlValue } from './open311.xml.js';
import { OPEN_STATUSES, type ReportRow, type Status } from './reports.repository.js';

/** The element that names each item of a list in the spec's XML documents. */
export const XML_ITEMS = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  service_requests: 'request',
  service_request_updates: 'request_update',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
} as const;

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

/** What presenting needs to know about the caller and the commune. */
export interface Presentation {
  t: Translator;
  locale: Locale;
  /** The commune's language order, to fall back along when a name lacks the caller's language. */
  fallback: readonly string[];
  timeZone: string;
  publicUrl: string;
}

// ---------------------------------------------------------------------------------------------
// Date-times with the offset of the commune's time zone (Africa/Casablanca: +01:00, +00:00 during
// Ramadan), as the spec's examples show them. The offset is looked up once per quarter hour of
// time (zones change offset on quarter hours at the finest), not once per date: a list of 1000
// requests formats 3000 of them.

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
const QUARTER_HOUR = 900_000;

function offsetMinutes(ms: number, timeZone: string): number {
  const quarter = Math.floor(ms / QUARTER_HOUR);
  const key = `${timeZone}|${quarter}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(new Date(quarter * QUARTER_HOUR)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT([+-])(\d{1,2}):(\d{2})/.exec(name);
  const minutes = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  if (offsets.size > 10_000) offsets.clear();
  offsets.set(key, minutes);
  return minutes;
}

const two = (n: number) => String(n).padStart(2, '0');

/** `date` as a W3C date-time in `timeZone`, to the second, with its offset: 2026-11-29T14:05:00+01:00. */
export function w3cDateTime(date: Date, timeZone: string): string {
  const offset = offsetMinutes(date.getTime(), timeZone);
  const local = new Date(date.getTime() + offset * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

// ---------------------------------------------------------------------------------------------

const text = (p: Presentation, field: unknown) => pickText(field as Multilingual | null, p.locale, p.fallback)?.text ?? null;

/** The spec's two statuses: the commune still has work to do, or it has not. */
export const open311Status = (s: Status): 'open' | 'closed' => (OPEN_STATUSES.includes(s) ? 'open' : 'closed');

/** Madina's statuses as FixMyStreet's extended states in `servicerequestupdates`. */
export const EXTENDED_STATUS: Record<Status, (typeof UPDATE_STATUSES)[number]> = {
  open: 'OPEN',
  acknowledged: 'ACTION_SCHEDULED',
  in_progress: 'IN_PROGRESS',
  fixed: 'FIXED',
  closed: 'CLOSED',
  // FixMyStreet shows NO_FURTHER_ACTION as "unable to fix".
  not_fixed: 'NO_FURTHER_ACTION',
  not_responsible: 'NOT_COUNCILS_RESPONSIBILITY',
  duplicate: 'DUPLICATE',
  rejected: 'CLOSED',
};

export function presentService(c: CategoryRow, p: Presentation) {
  return {
    service_code: c.code,
    service_name: text(p, c.name) ?? c.code,
    description: text(p, c.description),
    metadata: c.attributes.length > 0,
    type: 'realtime' as const,
    keywords: c.keywords.length ? c.keywords.join(', ') : null,
    group: c.groupCode,
  };
}

const DATATYPE_HINTS: Partial<Record<string, string>> = {
  number: 'open311.datatype.number',
  datetime: 'open311.datatype.datetime',
  multivaluelist: 'open311.datatype.multivaluelist',
};

export function presentDefinition(c: CategoryRow, p: Presentation) {
  return {
    service_code: c.code,
    // The spec's order counts from 1 and is unique within the service.
    attributes: [...c.attributes]
      .sort((a, b) => a.order - b.order)
      .map((a, i) => {
        const hint = DATATYPE_HINTS[a.datatype];
        return {
          variable: true,
          code: a.code,
          datatype: a.datatype,
          required: a.required,
          datatype_description: hint ? p.t.t(hint) : null,
          order: i + 1,
          description: text(p, a.description) ?? a.code,
          ...(a.values ? { values: a.values.map((v) => ({ key: v.key, name: text(p, v.name) ?? v.key })) } : {}),
        };
      }),
  };
}

// The status labels of a translator, formatted once: a list repeats them a thousand times.
const labels = new WeakMap<Translator, Map<Status, string>>();

function statusLabel(status: Status, t: Translator): string {
  let known = labels.get(t);
  if (!known) {
    known = new Map();
    labels.set(t, known);
  }
  let label = known.get(status);
  if (label === undefined) {
    label = t.t(`report.status.${status}`);
    known.set(status, label);
  }
  return label;
}

/** Why a report has its status, in the caller's language, with the note staff gave. */
function statusNotes(r: ReportRow, p: Presentation): string | null {
  if (r.status === 'open') return null;
  let label: string;
  if (r.status === 'duplicate' && r.duplicateOfNumber) label = p.t.t('open311.status_notes.duplicate', { number: r.duplicateOfNumber });
  else if (r.status === 'not_responsible' && r.responsibleBody)
    label = p.t.t('open311.status_notes.not_responsible', { body: r.responsibleBody });
  else label = statusLabel(r.status, p.t);
  return r.resolutionNote ? `${label} — ${r.resolutionNote}` : label;
}

/** The first photo of each report (photos come oldest first), by report id. */
export function firstPhotos(photos: readonly { id: string; reportId: string }[]): Map<string, string> {
  const first = new Map<string, string>();
  for (const photo of photos) if (!first.has(photo.reportId)) first.set(photo.reportId, photo.id);
  return first;
}

/** A public report as an Open311 service request: no contact, no answers, approved photos only. */
export function presentRequest(r: ReportRow, photos: ReadonlyMap<string, string>, p: Presentation) {
  const photo = photos.get(r.id);
  const status = open311Status(r.status);
  return {
    service_request_id: r.number,
    status,
    status_notes: statusNotes(r, p),
    service_name: text(p, r.categoryName) ?? r.categoryCode,
    service_code: r.categoryCode,
    description: r.textHidden ? null : r.description,
    agency_responsible: text(p, r.departmentName),
    service_notice: null,
    requested_datetime: w3cDateTime(r.createdAt, p.timeZone),
    // The spec: for a closed request, when it was closed.
    updated_datetime: w3cDateTime(status === 'closed' && r.resolvedAt ? r.resolvedAt : r.updatedAt, p.timeZone),
    expected_datetime: w3cDateTime(r.dueAt, p.timeZone),
    address: r.address ?? text(p, r.districtName),
    address_id: r.districtId,
    zipcode: null,
    lat: r.lat,
    long: r.lon,
    media_url: photo ? `${p.publicUrl}/api/v1/reports/${r.number}/photos/${photo}` : null,
  };
}

export function presentCreated(r: ReportRow, p: Presentation) {
  return [
    {
      service_request_id: r.number,
      service_notice: p.t.t('open311.service_notice', { department: text(p, r.departmentName) ?? '', due: r.dueAt }),
      account_id: null,
    },
  ];
}

export interface UpdateRow {
  id: string;
  number: string;
  status: Status;
  text: string | null;
  createdAt: Date;
}

export function presentUpdate(u: UpdateRow, p: Presentation) {
  return {
    update_id: u.id,
    service_request_id: u.number,
    status: EXTENDED_STATUS[u.status],
    updated_datetime: w3cDateTime(u.createdAt, p.timeZone),
    description: u.text ?? '',
    media_url: '',
  };
}

export function presentDiscovery(changeset: Date, communeName: string, p: Presentation) {
  const url = `${p.publicUrl}/open311/v2`;
  const at = w3cDateTime(changeset, p.timeZone);
  return {
    changeset: at,
    contact: p.t.t('open311.discovery.contact', { commune: communeName, url: p.publicUrl }),
    key_service: p.t.t('open311.discovery.key_service'),
    endpoints: [
      { specification: SPECIFICATION, url, changeset: at, type: 'production' as const, formats: ['text/xml', 'application/json'] },
    ],
  };
}

export function presentErrors(errors: readonly { code: number; description: string }[]): XmlValue {
  return errors.map((e) => ({ code: e.code, description: e.description }));
}
