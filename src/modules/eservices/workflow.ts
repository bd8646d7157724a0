/**
 * The state machine of a request (Law 55.19 arts 10–21) as pure rules: which action may be taken
 * from which status, and under which condition of its clocks. The services apply them (one
 * transaction per transition, with its history row, audit entry and notifications).
 */
import type { Tx } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/http/errors.js';
import { deadlineAfter, type HolidayLookup, holidayLookup, MOROCCO_TIME_ZONE } from './calendar.js';
import type { DeadlineKind } from './procedure.js';
import type { RequestRow } from './requests.repository.js';
import type { RequestStatus } from './requests.schemas.js';
import { getSettings, listAdjustments, type Settings } from './settings.repository.js';

export const STAFF_ACTIONS = [
  'start_review',
  'request_completion',
  'approve',
  'reject',
  'extend',
  'issue',
  'close',
  'answer_appeal',
  'return',
  'accept_completion',
] as const;
export type StaffAction = (typeof STAFF_ACTIONS)[number];

/** The statuses each staff action starts from (its other conditions are in `staffActionProblem`). */
export const STAFF_FROM: Record<StaffAction, readonly RequestStatus[]> = {
  start_review: ['submitted'],
  request_completion: ['under_review'],
  approve: ['under_review'],
  reject: ['under_review'],
  extend: ['submitted', 'under_review'],
  issue: ['approved', 'deemed_approved'],
  close: ['issued'],
  answer_appeal: ['appealed', 'appeal_escalated'],
  return: ['incomplete'],
  accept_completion: ['needs_completion'],
};

/** The statuses in which the commune's deadline runs. */
export const RUNNING: readonly RequestStatus[] = ['submitted', 'under_review'];

export type CitizenAction = 'patch' | 'attach' | 'submit' | 'complete' | 'appeal' | 'silence_certificate';

/** 409: the move is not possible from where the request is (with a code that says why). */
export const refused = (code: string, values: Record<string, unknown> = {}) =>
  new AppError(code, 409, `problem.eservices.${code}.detail`, values);
export const invalidTransition = (from: RequestStatus, action: string) => refused('invalid_transition', { from, action });

/**
 * Why a staff action may not be taken now, or null when it may: the status first (409
 * invalid_transition), then its clocks (one completion request only, in the first half of the
 * deadline; one extension, before the deadline; returning only after the completion delay).
 */
export function staffActionProblem(r: RequestRow, action: StaffAction, now: Date, extensionReasons: readonly string[]): AppError | null {
  if (!STAFF_FROM[action].includes(r.status)) return invalidTransition(r.status, action);
  switch (action) {
    case 'request_completion':
      if (r.completionRequested) return refused('completion_already_requested');
      if (!r.completionRequestUntil || now > r.completionRequestUntil)
        return refused('completion_window_closed', { until: r.completionRequestUntil ?? now });
      return null;
    case 'extend':
      if (r.extendedTo) return refused('already_extended');
      if (extensionReasons.length === 0) return refused('extension_not_allowed');
      if (r.deadlineAt && now > r.deadlineAt) return refused('deadline_passed');
      return null;
    case 'return':
      if (!r.completionDueAt || now <= r.completionDueAt) return refused('completion_not_due', { until: r.completionDueAt ?? now });
      return null;
    default:
      return null;
  }
}

export function staffActions(r: RequestRow, now: Date, extensionReasons: readonly string[]): StaffAction[] {
  return STAFF_ACTIONS.filter((a) => staffActionProblem(r, a, now, extensionReasons) === null);
}

/**
 * Art 21: an appeal against a refusal, a silence that means refusal, or a silence-as-approval
 * whose decision was not delivered; within the appeal delay; once (an answered appeal is final).
 */
export function appealProblem(r: RequestRow, now: Date): AppError | null {
  const silentRefusal = RUNNING.includes(r.status) && r.silence === 'refusal' && r.deadlineAt !== null && now > r.deadlineAt;
  if (r.status !== 'rejected' && r.status !== 'deemed_approved' && !silentRefusal) return invalidTransition(r.status, 'appeal');
  if (r.appealFiledAt) return refused('appeal_already_filed');
  if (!r.appealUntil || now > r.appealUntil) return refused('appeal_window_closed', { until: r.appealUntil ?? now });
  return null;
}

/** Arts 19–20: the certificate of silence, asked once the decision of a silence-as-approval was not delivered in time. */
export function certificateProblem(r: RequestRow, now: Date): AppError | null {
  if (r.status !== 'deemed_approved') return invalidTransition(r.status, 'silence_certificate');
  if (r.certificateRequestedAt) return refused('certificate_already_requested');
  if (!r.deliveryDueAt || now <= r.deliveryDueAt) return refused('certificate_not_due', { until: r.deliveryDueAt ?? now });
  return null;
}

export function citizenActions(r: RequestRow, now: Date): CitizenAction[] {
  const actions: CitizenAction[] = [];
  if (r.status === 'draft') actions.push('patch', 'attach', 'submit');
  if (r.status === 'incomplete' || r.status === 'needs_completion') actions.push('attach', 'complete');
  if (!appealProblem(r, now)) actions.push('appeal');
  if (!certificateProblem(r, now)) actions.push('silence_certificate');
  return actions;
}

export const isOverdue = (r: Pick<RequestRow, 'status' | 'deadlineAt'>, now: Date) =>
  RUNNING.includes(r.status) && r.deadlineAt !== null && r.deadlineAt < now;

/** What the deadlines of one commune are computed with: its settings, holidays (with the admin's adjustments) and time zone. */
export interface Clock {
  settings: Settings;
  holidays: HolidayLookup;
  timeZone: string;
  /** `days` of `kind` after `start`, ending at the end of the last local day. */
  after(start: Date, days: number, kind?: DeadlineKind): Date;
}

export async function loadClock(trx: Tx, communeId: string): Promise<Clock> {
  const settings = await getSettings(trx);
  const holidays = holidayLookup(await listAdjustments(trx));
  const commune = await trx.selectFrom('platform.commune').select('timeZone').where('id', '=', communeId).executeTakeFirst();
  const timeZone = commune?.timeZone ?? MOROCCO_TIME_ZONE;
  return { settings, holidays, timeZone, after: (start, days, kind = 'calendar') => deadlineAfter(start, days, kind, holidays, timeZone) };
}

/** The end of the first half of a deadline (art 14: a completion request only within it). */
export const firstHalfEnd = (start: Date, deadline: Date) =>
  new Date(start.getTime() + Math.floor((deadline.getTime() - start.getTime()) / 2));
