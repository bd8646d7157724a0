import { type Generated, sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';
import type { HolidayAdjustment } from './calendar.js';

export type SilenceStartsAt = 'complete_file' | 'deposit';

/**
 * The choices Law 55.19 and Decree 2.22.141 leave to the reader, one set per commune. Each is a
 * number of days or a switch; the defaults are the texts' own numbers.
 */
export interface Settings {
  /** Art 10 (récépissé "dossier en cours de dépôt"): days the citizen has to complete a file, after which it is returned. */
  completionDays: number;
  /** Art 21: days after a refusal (or after silence) within which the citizen may appeal. */
  appealDays: number;
  /** Art 21: days the commune has to answer an appeal before it is escalated. */
  appealAnswerDays: number;
  /** Art 21: days the escalated appeal has (the authority above) before the citizen may go to court. */
  escalationDays: number;
  /** Art 19: days after a silence-as-approval within which the decision document must be delivered. */
  deliveryDays: number;
  /** Art 20: days the governor has to deliver the certificate of silence once asked. */
  certificateDays: number;
  /** Art 28: publish the procedures' indicators on the portal. */
  publishIndicators: boolean;
  /**
   * When the processing deadline starts: `complete_file` (default; art 10 read as "the deadline
   * runs from the deposit of the complete file", the récépissé of a complete file) or `deposit`
   * (from the first deposit, even incomplete, for a commune whose legal advice reads it so; the
   * clock still waits for the file to be complete before it can expire).
   */
  silenceStartsAt: SilenceStartsAt;
}

export const DEFAULT_SETTINGS: Settings = {
  completionDays: 30,
  appealDays: 30,
  appealAnswerDays: 15,
  escalationDays: 10,
  deliveryDays: 7,
  certificateDays: 10,
  publishIndicators: false,
  silenceStartsAt: 'complete_file',
};

interface SettingsTable extends Settings {
  communeId: string;
  updatedAt: Generated<Date>;
}

interface AdjustmentTable extends HolidayAdjustment {
  communeId: string;
  updatedAt: Generated<Date>;
}

const tables = (trx: Tx) => withTables<{ 'eservices.settings': SettingsTable; 'eservices.holidayAdjustment': AdjustmentTable }>(trx);

export async function getSettings(trx: Tx): Promise<Settings> {
  const row = await tables(trx)
    .selectFrom('eservices.settings')
    .select([
      'completionDays',
      'appealDays',
      'appealAnswerDays',
      'escalationDays',
      'deliveryDays',
      'certificateDays',
      'publishIndicators',
      'silenceStartsAt',
    ])
    .executeTakeFirst();
  return row ?? { ...DEFAULT_SETTINGS };
}

export async function putSettings(trx: Tx, communeId: string, s: Settings) {
  await tables(trx)
    .insertInto('eservices.settings')
    .values({ communeId, ...s })
    .onConflict((oc) => oc.column('communeId').doUpdateSet({ ...s, updatedAt: new Date() }))
    .execute();
}

export async function listAdjustments(trx: Tx): Promise<HolidayAdjustment[]> {
  const rows = await tables(trx)
    .selectFrom('eservices.holidayAdjustment')
    // As text: node-postgres and PGlite turn a date column into Dates at different hours.
    .select(['holiday', 'hijriYear', sql<string>`date::text`.as('date')])
    .orderBy('hijriYear')
    .orderBy('holiday')
    .execute();
  return rows.map((r) => ({ holiday: r.holiday, hijriYear: r.hijriYear, date: r.date }));
}

export async function putAdjustment(trx: Tx, communeId: string, a: HolidayAdjustment) {
  await tables(trx)
    .insertInto('eservices.holidayAdjustment')
    .values({ communeId, ...a })
    .onConflict((oc) => oc.columns(['communeId', 'holiday', 'hijriYear']).doUpdateSet({ date: a.date, updatedAt: new Date() }))
    .execute();
}
