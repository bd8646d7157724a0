/** A request's documents, answers, clocks and history, as citizens and staff both read them. */
import type { ReactNode } from 'react';
import { type Field, normalizeCin, type Text } from '../../../../src/modules/eservices/procedure';
import { useFormat } from '../../shared/format';
import { useMultilingual, useT } from '../../shared/i18n';
import { latinDigits } from '../reports/validate';
import { fieldsOf, type Procedure, type ServiceRequest } from './eservices-api';
import { ltr, RequestStatusBadge } from './service-bits';

type Clocks = ServiceRequest['clocks'];

/** The clocks in the order a request lives them; each shown only when it applies. */
const CLOCKS: { key: keyof Clocks; kind: 'past' | 'due' }[] = [
  { key: 'depositedAt', kind: 'past' },
  { key: 'completionDueAt', kind: 'due' },
  { key: 'completeAt', kind: 'past' },
  { key: 'completionRequestUntil', kind: 'due' },
  { key: 'pausedAt', kind: 'past' },
  { key: 'deadlineAt', kind: 'due' },
  { key: 'extendedTo', kind: 'due' },
  { key: 'deliveryDueAt', kind: 'due' },
  { key: 'certificateRequestedAt', kind: 'past' },
  { key: 'certificateDueAt', kind: 'due' },
  { key: 'appealUntil', kind: 'due' },
  { key: 'appealAnswerDueAt', kind: 'due' },
  { key: 'escalationDueAt', kind: 'due' },
];

/** Which due dates still matter in a status (a decided request's decision deadline is history). */
function relevant(key: keyof Clocks, r: ServiceRequest): boolean {
  const s = r.status;
  switch (key) {
    case 'completionDueAt':
      return s === 'incomplete' || s === 'returned';
    case 'completionRequestUntil':
      return false; // staff only: the office shows it beside its action
    case 'pausedAt':
      return s === 'needs_completion';
    case 'deadlineAt':
    case 'extendedTo':
      return ['submitted', 'under_review', 'needs_completion', 'approved', 'rejected', 'deemed_approved', 'issued', 'closed'].includes(s);
    case 'deliveryDueAt':
      return s === 'deemed_approved' || s === 'approved';
    case 'appealUntil':
      return (s === 'rejected' || s === 'deemed_approved') && r.appeal === null;
    case 'appealAnswerDueAt':
      return s === 'appealed';
    case 'escalationDueAt':
      return s === 'appeal_escalated';
    default:
      return true;
  }
}

export function ClockList({ request: r, staff = false }: { request: ServiceRequest; staff?: boolean }) {
  const t = useT();
  const fmt = useFormat();
  const now = Date.now();
  const clocks = r.clocks as Record<string, string | number | boolean | null>;
  const shown = CLOCKS.filter(({ key }) => typeof clocks[key] === 'string' && (staff || relevant(key, r)));
  const remaining = typeof r.clocks.remainingDays === 'number' ? r.clocks.remainingDays : null;
  if (shown.length === 0 && remaining === null) return <p className="empty">{t('services.clock.none')}</p>;
  return (
    <dl className="facts clock-list">
      {shown.map(({ key, kind }) => {
        const at = clocks[key] as string;
        const late = kind === 'due' && new Date(at).getTime() < now && relevant(key, r);
        return (
          <div key={key} className={late ? 'clock-late' : undefined}>
            <dt>{t(`services.clock.${key}`)}</dt>
            <dd>
              <time dateTime={at}>{fmt.date(at)}</time>
              {key === 'extendedTo' && r.clocks.extensionReason ? (
                <span className="fact-note">{t(`services.extension.${r.clocks.extensionReason}`)}</span>
              ) : null}
              {late ? <span className="fact-note">{t('services.clock.passed')}</span> : null}
            </dd>
          </div>
        );
      })}
      {remaining !== null && (r.status === 'needs_completion' || r.status === 'under_review' || r.status === 'submitted') ? (
        <div>
          <dt>{t('services.clock.remainingDays')}</dt>
          <dd>{t('services.clock.days', { count: remaining })}</dd>
        </div>
      ) : null}
    </dl>
  );
}

/** The history's actions the server writes (requests.service, office.service, clock-job, documents.service). */
const KNOWN_ACTIONS = [
  'create',
  'submit',
  'complete',
  'start_review',
  'request_completion',
  'accept_completion',
  'approve',
  'reject',
  'extend',
  'issue',
  'close',
  'appeal',
  'answer_appeal',
  'appeal_escalated',
  'return',
  'deemed_approved',
  'silence_refusal',
  'silence_certificate',
  'assign',
  'revoke_document',
];

/** The steps of a request, oldest first: when, the status it reached, what happened, and the note that came with it. */
export function History({
  request: r,
  extra,
}: {
  request: ServiceRequest;
  extra?: (entry: ServiceRequest['history'][number]) => ReactNode;
}) {
  const t = useT();
  const fmt = useFormat();
  if (r.history.length === 0) return null;
  return (
    <ol className="timeline">
      {r.history.map((h, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed, append-only history
        <li key={i}>
          <p className="timeline-head">
            <time dateTime={h.at}>{fmt.dateTime(h.at)}</time>
            <RequestStatusBadge status={h.status} />
          </p>
          {h.action && KNOWN_ACTIONS.includes(h.action) ? <p className="timeline-action">{t(`services.action.${h.action}`)}</p> : null}
          {h.note ? (
            <p className="timeline-text" dir="auto">
              {h.note}
            </p>
          ) : null}
          {extra?.(h)}
        </li>
      ))}
    </ol>
  );
}

/** A document the citizen supplies: the fiche's documents, then its file questions. */
export interface DocumentSlot {
  key: string;
  name: Text;
  required: boolean;
  swornStatementAllowed: boolean;
  note?: Text;
}

export function documentSlots(p: Pick<Procedure, 'citizenDocuments' | 'fields'>): DocumentSlot[] {
  return [
    ...p.citizenDocuments.map((d) => ({
      key: d.key,
      name: d.name,
      required: d.required,
      swornStatementAllowed: d.swornStatementAllowed,
      ...(d.note ? { note: d.note } : {}),
    })),
    ...fieldsOf(p)
      .filter((f) => f.type === 'file')
      .map((f) => ({ key: f.key, name: f.label, required: f.required, swornStatementAllowed: false, ...(f.help ? { note: f.help } : {}) })),
  ];
}

/** An answer in words: a choice's label, a date, a number, a point and its description. */
export function AnswerText({ field, value }: { field: Field; value: unknown }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  if (value === undefined || value === null || value === '') return null;
  switch (field.type) {
    case 'choice':
      return <>{ml(field.options?.find((o) => o.key === value)?.label) || String(value)}</>;
    case 'date':
      return <>{typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? fmt.date(`${value}T12:00:00Z`) : String(value)}</>;
    case 'number': {
      const n = Number(latinDigits(String(value)));
      return <>{Number.isFinite(n) ? fmt.number(n) : String(value)}</>;
    }
    case 'address': {
      const a = value as { lat: number; lon: number; text?: string };
      return (
        <>
          {a.text ? (
            <>
              <bdi>{a.text}</bdi>
              <br />
            </>
          ) : null}
          {t('services.form.pointChosen', { point: ltr(`${a.lat.toFixed(5)},\u00A0${a.lon.toFixed(5)}`) })}
        </>
      );
    }
    case 'cin':
      return <span dir="ltr">{normalizeCin(String(value))}</span>;
    default:
      return <bdi className="pre-line">{String(value)}</bdi>;
  }
}
