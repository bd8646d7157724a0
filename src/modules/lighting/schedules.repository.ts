import { type ColumnType, type Generated, type Selectable, sql } from 'kysely';
import { type Tx, withTables } from '../../platform/db/tenant.js';
import type { LuminaireTable } from './lighting.repository.js';
import type { CalendarRule, ProfileStep } from './schedule.js';

type Text = Record<string, string>;
type Json<T> = ColumnType<T, string, string>;

export interface DimmingProfileTable {
  communeId: string;
  id: Generated<string>;
  code: string;
  name: Json<Text>;
  steps: Json<ProfileStep[]>;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

export interface ScheduleTable {
  communeId: string;
  id: Generated<string>;
  code: string;
  name: Json<Text>;
  profileId: string;
  sunAltitude: number;
  duskOffsetMinutes: number;
  dawnOffsetMinutes: number;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

export interface GroupScheduleTable {
  communeId: string;
  groupId: string;
  scheduleId: string;
  assignedAt: Generated<Date>;
}

export interface CalendarTable {
  communeId: string;
  id: Generated<string>;
  code: string;
  name: Json<Text>;
  priority: number;
  scheduleId: string | null;
  profileId: string;
  rules: Json<CalendarRule[]>;
  isDemo: Generated<boolean>;
  createdAt: Generated<Date>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

export const OVERRIDE_TARGETS = ['group', 'luminaire', 'cabinet'] as const;
export type OverrideTarget = (typeof OVERRIDE_TARGETS)[number];

export interface OverrideTable {
  communeId: string;
  id: Generated<string>;
  targetType: OverrideTarget;
  targetId: string;
  level: number;
  validFrom: Date;
  validUntil: Date;
  reason: string;
  createdBy: string | null;
  createdByLabel: string;
  createdAt: Generated<Date>;
  cancelledAt: Date | null;
  cancelledByLabel: string | null;
}

export interface CommandTable {
  communeId: string;
  id: Generated<string>;
  deviceId: string;
  level: number;
  validFrom: Date;
  validUntil: Date | null;
  reason: string;
  sentAt: Generated<Date>;
}

export type ProfileRow = Selectable<DimmingProfileTable>;
export type ScheduleRow = Selectable<ScheduleTable>;
export type CalendarRow = Selectable<CalendarTable>;
export type OverrideRow = Selectable<OverrideTable>;
export type CommandRow = Selectable<CommandTable>;

const tables = (trx: Tx) =>
  withTables<{
    'lighting.dimming_profile': DimmingProfileTable;
    'lighting.schedule': ScheduleTable;
    'lighting.group_schedule': GroupScheduleTable;
    'lighting.calendar': CalendarTable;
    'lighting.override': OverrideTable;
    'lighting.command': CommandTable;
  }>(trx);

// ── profiles ───────────────────────────────────────────────────────────────────────────────────

export const listProfiles = (trx: Tx) => tables(trx).selectFrom('lighting.dimming_profile').selectAll().orderBy('code').execute();

export const findProfile = (trx: Tx, id: string) =>
  tables(trx).selectFrom('lighting.dimming_profile').selectAll().where('id', '=', id).executeTakeFirst();

export const insertProfile = (trx: Tx, values: { communeId: string; code: string; name: Text; steps: ProfileStep[]; isDemo?: boolean }) =>
  tables(trx)
    .insertInto('lighting.dimming_profile')
    .values({ ...values, name: JSON.stringify(values.name), steps: JSON.stringify(values.steps) })
    .returningAll()
    .executeTakeFirstOrThrow();

export const updateProfile = (trx: Tx, id: string, values: { code: string; name: Text; steps: ProfileStep[] }) =>
  tables(trx)
    .updateTable('lighting.dimming_profile')
    .set({ code: values.code, name: JSON.stringify(values.name), steps: JSON.stringify(values.steps), updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();

export async function deleteProfile(trx: Tx, id: string): Promise<boolean> {
  const r = await tables(trx).deleteFrom('lighting.dimming_profile').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

// ── schedules ──────────────────────────────────────────────────────────────────────────────────

export const listSchedules = (trx: Tx) => tables(trx).selectFrom('lighting.schedule').selectAll().orderBy('code').execute();

export const findSchedule = (trx: Tx, id: string) =>
  tables(trx).selectFrom('lighting.schedule').selectAll().where('id', '=', id).executeTakeFirst();

export interface ScheduleValues {
  code: string;
  name: Text;
  profileId: string;
  sunAltitude: number;
  duskOffsetMinutes: number;
  dawnOffsetMinutes: number;
}

export const insertSchedule = (trx: Tx, values: ScheduleValues & { communeId: string; isDemo?: boolean }) =>
  tables(trx)
    .insertInto('lighting.schedule')
    .values({ ...values, name: JSON.stringify(values.name) })
    .returningAll()
    .executeTakeFirstOrThrow();

export const updateSchedule = (trx: Tx, id: string, values: ScheduleValues) =>
  tables(trx)
    .updateTable('lighting.schedule')
    .set({ ...values, name: JSON.stringify(values.name), updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();

export async function deleteSchedule(trx: Tx, id: string): Promise<boolean> {
  const r = await tables(trx).deleteFrom('lighting.schedule').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** The groups each schedule is assigned to. */
export async function scheduleGroups(trx: Tx): Promise<Map<string, string[]>> {
  const rows = await tables(trx).selectFrom('lighting.group_schedule').select(['scheduleId', 'groupId']).orderBy('groupId').execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.scheduleId, [...(out.get(r.scheduleId) ?? []), r.groupId]);
  return out;
}

/** Gives a schedule exactly these groups (a group leaves the schedule it had). */
export async function assignGroups(trx: Tx, communeId: string, scheduleId: string, groupIds: readonly string[]): Promise<void> {
  await tables(trx)
    .deleteFrom('lighting.group_schedule')
    .where((eb) => eb.or([eb('scheduleId', '=', scheduleId), ...(groupIds.length > 0 ? [eb('groupId', 'in', groupIds)] : [])]))
    .execute();
  if (groupIds.length === 0) return;
  await tables(trx)
    .insertInto('lighting.group_schedule')
    .values(groupIds.map((groupId) => ({ communeId, groupId, scheduleId })))
    .execute();
}

/** The schedule of each group that has one. */
export async function groupScheduleIds(trx: Tx): Promise<Map<string, string>> {
  const rows = await tables(trx).selectFrom('lighting.group_schedule').select(['groupId', 'scheduleId']).execute();
  return new Map(rows.map((r) => [r.groupId, r.scheduleId]));
}

// ── calendars ──────────────────────────────────────────────────────────────────────────────────

export const listCalendars = (trx: Tx) =>
  tables(trx).selectFrom('lighting.calendar').selectAll().orderBy('priority').orderBy('code').execute();

export const findCalendar = (trx: Tx, id: string) =>
  tables(trx).selectFrom('lighting.calendar').selectAll().where('id', '=', id).executeTakeFirst();

export interface CalendarValues {
  code: string;
  name: Text;
  priority: number;
  scheduleId: string | null;
  profileId: string;
  rules: CalendarRule[];
}

export const insertCalendar = (trx: Tx, values: CalendarValues & { communeId: string; isDemo?: boolean }) =>
  tables(trx)
    .insertInto('lighting.calendar')
    .values({ ...values, name: JSON.stringify(values.name), rules: JSON.stringify(values.rules) })
    .returningAll()
    .executeTakeFirstOrThrow();

export const updateCalendar = (trx: Tx, id: string, values: CalendarValues) =>
  tables(trx)
    .updateTable('lighting.calendar')
    .set({ ...values, name: JSON.stringify(values.name), rules: JSON.stringify(values.rules), updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();

export async function deleteCalendar(trx: Tx, id: string): Promise<boolean> {
  const r = await tables(trx).deleteFrom('lighting.calendar').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

// ── overrides ──────────────────────────────────────────────────────────────────────────────────

/** Overrides not cancelled that end after `since`, soonest first. */
export const listOverrides = (trx: Tx, since: Date, limit: number) =>
  tables(trx)
    .selectFrom('lighting.override')
    .selectAll()
    .where('cancelledAt', 'is', null)
    .where('validUntil', '>', since)
    .orderBy('validFrom')
    .orderBy('id')
    .limit(limit)
    .execute();

/** Overrides in force at `at`. */
export const activeOverrides = (trx: Tx, at: Date) =>
  tables(trx)
    .selectFrom('lighting.override')
    .selectAll()
    .where('cancelledAt', 'is', null)
    .where('validFrom', '<=', at)
    .where('validUntil', '>', at)
    .execute();

export const findOverride = (trx: Tx, id: string) =>
  tables(trx).selectFrom('lighting.override').selectAll().where('id', '=', id).executeTakeFirst();

export const insertOverride = (
  trx: Tx,
  values: Pick<
    OverrideRow,
    'communeId' | 'targetType' | 'targetId' | 'level' | 'validFrom' | 'validUntil' | 'reason' | 'createdBy' | 'createdByLabel'
  >,
) => tables(trx).insertInto('lighting.override').values(values).returningAll().executeTakeFirstOrThrow();

export const cancelOverride = (trx: Tx, id: string, at: Date, by: string) =>
  tables(trx)
    .updateTable('lighting.override')
    .set({ cancelledAt: at, cancelledByLabel: by })
    .where('id', '=', id)
    .where('cancelledAt', 'is', null)
    .returningAll()
    .executeTakeFirst();

/** Whether a target of an override exists in the commune. */
export async function targetExists(trx: Tx, type: OverrideTarget, id: string): Promise<boolean> {
  const table = type === 'group' ? sql`lighting.lamp_group` : type === 'luminaire' ? sql`lighting.luminaire` : sql`lighting.cabinet`;
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${table} WHERE id = ${id}::uuid`.execute(trx);
  return (rows[0]?.n ?? 0) > 0;
}

// ── what the levels are computed from ──────────────────────────────────────────────────────────

export const luminairesForLevels = (trx: Tx) =>
  withTables<{ 'lighting.luminaire': LuminaireTable }>(trx)
    .selectFrom('lighting.luminaire')
    .select(['id', 'groupId', 'cabinetId', 'deviceId'])
    .execute();

/** The commune of the transaction (withCommune set it). */
export async function currentCommuneId(trx: Tx): Promise<string> {
  const { rows } = await sql<{ id: string | null }>`SELECT platform.current_commune() AS id`.execute(trx);
  const id = rows[0]?.id;
  if (!id) throw new Error('expected a transaction scoped to a commune (withCommune)');
  return id;
}

// ── commands ───────────────────────────────────────────────────────────────────────────────────

/** The level last sent to each device. */
export async function lastCommands(trx: Tx): Promise<Map<string, number>> {
  const { rows } = await sql<{ deviceId: string; level: number }>`
    SELECT DISTINCT ON (device_id) device_id, level FROM lighting.command ORDER BY device_id, sent_at DESC, id`.execute(trx);
  return new Map(rows.map((r) => [r.deviceId, r.level]));
}

export async function insertCommands(trx: Tx, rows: Omit<CommandTable, 'id' | 'sentAt'>[], sentAt: Date): Promise<void> {
  if (rows.length === 0) return;
  for (let i = 0; i < rows.length; i += 1000) {
    await tables(trx)
      .insertInto('lighting.command')
      .values(rows.slice(i, i + 1000).map((r) => ({ ...r, sentAt })))
      .execute();
  }
}

export const listCommands = (trx: Tx, deviceId: string | undefined, limit: number) => {
  let q = tables(trx).selectFrom('lighting.command').selectAll();
  if (deviceId) q = q.where('deviceId', '=', deviceId);
  return q.orderBy('sentAt', 'desc').orderBy('id').limit(limit).execute();
};
