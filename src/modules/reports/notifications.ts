import type { Tx } from '../../platform/db/tenant.js';
import type { Multilingual } from '../../platform/db/types.js';
import { isLocale, type Locale, pickText, translator } from '../../platform/i18n/index.js';
import { enqueue } from '../../platform/jobs/jobs.js';
import type { ReportRow } from './reports.repository.js';
import * as repo from './reports.repository.js';

export interface Links {
  publicUrl: string;
}

export const publicLink = (links: Links, number: string) => `${links.publicUrl}/reports/${number}`;
/** The secret stays in the fragment: browsers never send it to a server, logs never hold it. */
export const trackingLink = (links: Links, number: string, secret: string) => `${publicLink(links, number)}#${secret}`;

function texts(report: ReportRow, locale: Locale) {
  const i18n = translator(locale);
  const category = pickText(report.categoryName as Multilingual, locale, ['ar', 'fr', 'en'])?.text ?? '';
  return { i18n, category };
}

/**
 * The confirmation of a new report, to the citizen's email and phone if they gave them, with
 * the secret tracking link. Queued in the report's transaction: sent exactly when it commits.
 */
export async function queueConfirmation(trx: Tx, communeId: string, report: ReportRow, secret: string, links: Links) {
  const locale: Locale = isLocale(report.contactLocale) ? report.contactLocale : 'ar';
  const { i18n, category } = texts(report, locale);
  const values = { number: report.number, category, due: report.dueAt, link: trackingLink(links, report.number, secret) };
  if (report.contactEmail) {
    await enqueue(trx, {
      kind: 'notify.mail',
      communeId,
      payload: {
        to: report.contactEmail,
        language: locale,
        subject: i18n.t('mail.report.created.subject', values),
        text: i18n.t('mail.report.created.body', { ...values, name: report.contactName || 'none' }),
      },
    });
  }
  if (report.contactPhone) {
    await enqueue(trx, { kind: 'notify.sms', communeId, payload: { to: report.contactPhone, text: i18n.t('sms.report.created', values) } });
  }
}

/**
 * A public update (a status change or a note staff chose to publish) to the citizen who filed
 * the report and to everyone following it.
 */
export async function queueUpdate(trx: Tx, communeId: string, report: ReportRow, note: string | null, links: Links) {
  const recipients = new Map<string, Locale>();
  const own: Locale = isLocale(report.contactLocale) ? report.contactLocale : 'ar';
  if (report.contactEmail) recipients.set(report.contactEmail, own);
  for (const f of await repo.listFollowers(trx, report.id)) {
    if (!recipients.has(f.email)) recipients.set(f.email, isLocale(f.locale) ? f.locale : 'ar');
  }
  for (const [to, locale] of recipients) {
    const { i18n, category } = texts(report, locale);
    const values = {
      number: report.number,
      category,
      status: i18n.t(`report.status.${report.status}`),
      link: publicLink(links, report.number),
    };
    await enqueue(trx, {
      kind: 'notify.mail',
      communeId,
      payload: {
        to,
        language: locale,
        subject: i18n.t('mail.report.update.subject', values),
        text: i18n.t('mail.report.update.body', { ...values, note: note || 'none' }),
      },
    });
  }
  if (report.contactPhone) {
    const { i18n } = texts(report, own);
    await enqueue(trx, {
      kind: 'notify.sms',
      communeId,
      payload: {
        to: report.contactPhone,
        text: i18n.t('sms.report.update', {
          number: report.number,
          status: i18n.t(`report.status.${report.status}`),
          link: publicLink(links, report.number),
        }),
      },
    });
  }
}
