/** Pieces the e-services pages share (portal and office): a status in words, a deadline, the effect of silence, a fee. */
import type { ReactNode } from 'react';
import type { DeadlineKind, FieldProblem, SilenceEffect } from '../../../../src/modules/eservices/procedure';
import { useFormat } from '../../shared/format';
import { useT } from '../../shared/i18n';
import type { RequestStatus } from './eservices-api';

const STATUS_TONE: Record<RequestStatus, 'draft' | 'wait' | 'open' | 'progress' | 'done' | 'refused' | 'stopped'> = {
  draft: 'draft',
  incomplete: 'wait',
  returned: 'stopped',
  submitted: 'open',
  under_review: 'progress',
  needs_completion: 'wait',
  approved: 'done',
  rejected: 'refused',
  deemed_approved: 'done',
  issued: 'done',
  closed: 'stopped',
  appealed: 'progress',
  appeal_escalated: 'progress',
};

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  const t = useT();
  return <span className={`badge service-status service-status-${STATUS_TONE[status]}`}>{t(`services.status.${status}`)}</span>;
}

/** "30 days" / "30 working days", with "(investment)" when the shorter legal maximum applies. */
export function DeadlineText({ deadline }: { deadline: { days: number; kind: DeadlineKind | string; investment: boolean } }) {
  const t = useT();
  return (
    <>
      {t(deadline.kind === 'working' ? 'services.deadline.working' : 'services.deadline.calendar', { days: deadline.days })}
      {deadline.investment ? <> {t('services.deadline.investment')}</> : null}
    </>
  );
}

export function SilenceText({ silence, short = false }: { silence: SilenceEffect | string; short?: boolean }) {
  const t = useT();
  const key = silence === 'approval' ? 'approval' : 'refusal';
  return <>{t(short ? `services.silence.short.${key}` : `services.silence.${key}`)}</>;
}

export function FeeText({ fee }: { fee: { amountMad: number } | null }) {
  const t = useT();
  const fmt = useFormat();
  if (!fee || fee.amountMad === 0) return <>{t('services.fee.free')}</>;
  return <>{t('services.fee.amount', { amount: fmt.number(fee.amountMad) })}</>;
}

/** A problem of procedure.ts (`problem.field_required`…) in the page's language (services.json has them all). */
export function useFieldProblemText() {
  const t = useT();
  return (problem: Pick<FieldProblem, 'key' | 'values'> | undefined): ReactNode =>
    problem ? t(`services.${problem.key}`, problem.values) : undefined;
}

/** A left-to-right value (a number, a code, a hash) isolated inside a sentence of any direction. */
export const ltr = (value: string) => `\u2066${value}\u2069`;

/** Size of a file in kB or MB, in the page's language. */
export function useFileSize() {
  const t = useT();
  const fmt = useFormat();
  return (bytes: number) =>
    bytes >= 1024 * 1024
      ? t.text('services.size.mb', { size: fmt.number(Math.round((bytes / 1024 / 1024) * 10) / 10) })
      : t.text('services.size.kb', { size: fmt.number(Math.max(1, Math.round(bytes / 1024))) });
}
