import type { Tx } from '../../platform/db/tenant.js';
import type { Multilingual } from '../../platform/db/types.js';
import { isLocale, type Locale, pickText, translator } from '../../platform/i18n/index.js';
import { enqueue } from '../../platform/jobs/jobs.js';
import type { MissingDocument, RequestRow } from './requests.repository.js';
import * as repo from './requests.repository.js';

export interface Links {
  publicUrl: string;
}

/** The citizen's tracking page; the secret is never in it (the page asks for it, or the device keeps it). */
export const trackingPage = (links: Links, number: string) => `${links.publicUrl}/services/requests/${number}`;
/** The link given once, at creation: the secret in the fragment, which browsers never send to a server. */
export const trackingLink = (links: Links, number: string, secret: string) => `${trackingPage(links, number)}#${secret}`;
export const officePage = (links: Links, id: string) => `${links.publicUrl}/office/eservices/${id}`;

/** What happened, for the citizen: each has a line `eservices.event.<event>` in the message catalogs. */
export type CitizenEvent =
  | 'deposited_incomplete'
  | 'submitted'
  | 'review_started'
  | 'completion_requested'
  | 'completed'
  | 'extended'
  | 'approved'
  | 'rejected'
  | 'deemed_approved'
  | 'silence_refusal'
  | 'issued'
  | 'closed'
  | 'returned'
  | 'appealed'
  | 'appeal_upheld'
  | 'appeal_dismissed'
  | 'appeal_escalated'
  | 'certificate_requested'
  | 'document_revoked';

/** What staff of the processing department are told of. */
export type StaffEvent = 'submitted' | 'completed' | 'appealed' | 'escalated' | 'certificate_requested';

export interface EventValues {
  date?: Date | null;
  missing?: readonly MissingDocument[];
  message?: string | null;
  reasons?: string | null;
  answer?: string | null;
  reason?: string | null;
  code?: string | null;
}

const localeOf = (r: RequestRow): Locale => (isLocale(r.language) ? r.language : 'ar');
const procedureName = (r: RequestRow, locale: Locale) =>
  pickText((JSON.parse(r.procedureJson) as { name: Multilingual }).name, locale, ['ar', 'fr', 'en'])?.text ?? r.procedureCode;

function eventLine(locale: Locale, event: CitizenEvent, v: EventValues) {
  const i18n = translator(locale);
  const missing = (v.missing ?? [])
    .map((m) => pickText(m.name as Multilingual, locale, ['ar', 'fr', 'en'])?.text ?? m.key)
    .join(locale === 'ar' ? '، ' : ', ');
  return i18n.t(`eservices.event.${event}`, {
    date: v.date ?? new Date(0),
    missing: missing || '—',
    message: v.message || 'none',
    reasons: v.reasons || '—',
    answer: v.answer || '—',
    reason: v.reason ? i18n.t(`eservices.extension.${v.reason}`) : '—',
    code: v.code ?? '—',
  });
}

/** The line that tells the citizen what happened, in the request's language (the tracking page shows it too). */
export const describeEvent = (r: RequestRow, event: CitizenEvent, v: EventValues) => eventLine(localeOf(r), event, v);

/** The link a new request's mail carries, with the secret: the citizen's only copy besides the screen. */
export async function queueCreated(trx: Tx, communeId: string, r: RequestRow, secret: string, links: Links) {
  if (!r.applicantEmail) return;
  const locale = localeOf(r);
  const i18n = translator(locale);
  const values = {
    number: r.number,
    procedure: procedureName(r, locale),
    name: r.applicantName,
    link: trackingLink(links, r.number, secret),
  };
  await enqueue(trx, {
    kind: 'notify.mail',
    communeId,
    payload: {
      to: r.applicantEmail,
      language: locale,
      subject: i18n.t('mail.eservices.created.subject', values),
      text: i18n.t('mail.eservices.created.body', values),
    },
  });
}

/**
 * Tells the applicant (email and SMS, whichever they gave) that their request changed, in the
 * language of the request. Queued in the change's transaction: sent exactly when it commits.
 */
export async function queueCitizen(trx: Tx, communeId: string, r: RequestRow, event: CitizenEvent, v: EventValues, links: Links) {
  if (!r.applicantEmail && !r.applicantPhone) return;
  const locale = localeOf(r);
  const i18n = translator(locale);
  const values = {
    number: r.number,
    procedure: procedureName(r, locale),
    name: r.applicantName,
    status: i18n.t(`eservices.status.${r.status}`),
    detail: eventLine(locale, event, v),
    link: trackingPage(links, r.number),
  };
  if (r.applicantEmail) {
    await enqueue(trx, {
      kind: 'notify.mail',
      communeId,
      payload: {
        to: r.applicantEmail,
        language: locale,
        subject: i18n.t('mail.eservices.update.subject', values),
        text: i18n.t('mail.eservices.update.body', values),
      },
    });
  }
  if (r.applicantPhone) {
    await enqueue(trx, { kind: 'notify.sms', communeId, payload: { to: r.applicantPhone, text: i18n.t('sms.eservices.update', values) } });
  }
}

/** Tells the agents and supervisors of the processing department that a request needs them. */
export async function queueStaff(trx: Tx, communeId: string, r: RequestRow, event: StaffEvent, links: Links) {
  for (const member of await repo.departmentStaff(trx, r.departmentId)) {
    const locale: Locale = isLocale(member.locale) ? member.locale : 'fr';
    const i18n = translator(locale);
    const values = {
      number: r.number,
      procedure: procedureName(r, locale),
      what: i18n.t(`eservices.staff_event.${event}`),
      link: officePage(links, r.id),
    };
    await enqueue(trx, {
      kind: 'notify.mail',
      communeId,
      payload: {
        to: member.email,
        language: locale,
        subject: i18n.t('mail.eservices.staff.subject', values),
        text: i18n.t('mail.eservices.staff.body', values),
      },
    });
  }
}
