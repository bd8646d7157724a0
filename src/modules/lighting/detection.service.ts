import { sql } from 'kysely';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { Tx } from '../../platform/db/tenant.js';
import type { CallContext } from '../../platform/http/context.js';
import { isLocale, type Locale, type Translator, translator } from '../../platform/i18n/index.js';
import { enqueue } from '../../platform/jobs/jobs.js';
import { LIMITS } from '../../platform/limits.js';
import { changeWorkOrder, createWorkOrder, findWorkOrderBySource, type WorkOrderRow } from '../workorders/index.js';
import * as repo from './alarms.repository.js';
import { type AlarmRow, type EvaluatedDevice, RULES, type Rule } from './alarms.repository.js';
import {
  DEFAULT_DEPARTMENT_CODE,
  DEFAULT_SETTINGS,
  type DetectionSettings,
  type ExpectedLevels,
  type Finding,
  findFaults,
  silenceMs,
  windowMs,
} from './detection.js';

export const DETECT_JOB = 'lighting.detect';
export const SWEEP_JOB = 'lighting.detect_sweep';

/** Who opens, clears and re-opens alarms and their work orders in the audit log. */
export const DETECTION_ACTOR: Actor = { type: 'system', id: null, label: 'lighting detection' };

/** A commune's thresholds, or the defaults (with the department whose code is DEFAULT_DEPARTMENT_CODE). */
export async function loadSettings(trx: Tx): Promise<DetectionSettings> {
  const row = await repo.findSettings(trx);
  if (row) {
    const { communeId: _c, updatedAt: _u, ...values } = row;
    return values;
  }
  return { ...DEFAULT_SETTINGS, departmentId: await repo.findDepartmentByCode(trx, DEFAULT_DEPARTMENT_CODE) };
}

/** What one evaluation did. */
export interface Evaluation {
  devices: number;
  opened: AlarmRow[];
  cleared: AlarmRow[];
  workOrders: { created: number; updated: number; reopened: number; cancelled: number };
}

interface Links {
  publicUrl: string;
}

/**
 * Evaluates the commune's lighting controllers at `now` — all of them (`deviceIds` null: the
 * sweep) or those named plus those the ingestion marked — and opens, confirms and clears alarms,
 * and opens, updates, re-opens or cancels their work orders. Runs in the caller's commune
 * transaction, one evaluation per commune at a time (an advisory lock): idempotent, so running it
 * twice at the same `now` changes nothing the second time.
 */
export async function evaluate(
  trx: Tx,
  communeId: string,
  options: { deviceIds: readonly string[] | null; now: Date; expectedLevels: ExpectedLevels; links: Links },
): Promise<Evaluation> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`lighting.detect:${communeId}`}))`.execute(trx);
  const result: Evaluation = { devices: 0, opened: [], cleared: [], workOrders: { created: 0, updated: 0, reopened: 0, cancelled: 0 } };
  const marked = await repo.takeMarks(trx);
  const settings = await loadSettings(trx);
  // With the devices asked for and those marked, every device whose fault has lasted its window:
  // one due job opens all the alarms due by now, not one job each.
  const due =
    options.deviceIds === null
      ? []
      : (await repo.listOnsets(trx, null))
          .filter((o) => o.since.getTime() + windowMs(o.rule, settings) <= options.now.getTime())
          .map((o) => o.deviceId);
  const ids = options.deviceIds === null ? null : [...new Set([...options.deviceIds, ...marked, ...due])];
  if (ids?.length === 0) return result;
  const devices = await repo.devicesToEvaluate(trx, ids);
  result.devices = devices.length;
  if (devices.length === 0) return result;
  // The schedule's levels are for the rules of luminaires that reported something.
  const levels = devices.some((d) => d.luminaireId && d.data) ? await options.expectedLevels(trx, options.now) : new Map<string, number>();
  const deviceIds = devices.map((d) => d.deviceId);
  const onsets = groupBy(await repo.listOnsets(trx, deviceIds));
  const alarms = groupBy(await repo.listOpenAlarms(trx, deviceIds));
  const context = { trx, communeId, settings, now: options.now, links: options.links, result, texts: undefined as Translator | undefined };
  for (const device of devices) {
    const expected = device.luminaireId ? levels.get(device.luminaireId) : undefined;
    await evaluateDevice(context, device, findFaults(device, expected, settings, options.now), {
      onsets: onsets.get(device.deviceId) ?? new Map(),
      alarms: alarms.get(device.deviceId) ?? new Map(),
    });
  }
  return result;
}

function groupBy<T extends { deviceId: string; rule: Rule }>(rows: T[]): Map<string, Map<Rule, T>> {
  const byDevice = new Map<string, Map<Rule, T>>();
  for (const row of rows) {
    const m = byDevice.get(row.deviceId) ?? new Map<Rule, T>();
    m.set(row.rule, row);
    byDevice.set(row.deviceId, m);
  }
  return byDevice;
}

interface Context {
  trx: Tx;
  communeId: string;
  settings: DetectionSettings;
  now: Date;
  links: Links;
  result: Evaluation;
  /** The commune's language for work order texts, loaded when first needed. */
  texts: Translator | undefined;
}

const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);

async function evaluateDevice(
  c: Context,
  device: EvaluatedDevice,
  found: Map<Rule, Finding>,
  known: { onsets: Map<Rule, repo.FaultOnsetTable>; alarms: Map<Rule, AlarmRow> },
) {
  const { trx, communeId, now } = c;
  const opened: AlarmRow[] = [];
  const cleared: AlarmRow[] = [];
  const open: { alarm: AlarmRow; finding: Finding }[] = [];
  // A silent device tells nothing new: its other alarms and onsets stay as they are.
  const silent = found.has('silent');
  for (const rule of RULES) {
    const finding = found.get(rule);
    const alarm = known.alarms.get(rule);
    const onset = known.onsets.get(rule);
    if (!finding && silent) {
      if (alarm) open.push({ alarm, finding: { evidenceAt: alarm.lastSeenAt, details: alarm.details } });
      continue;
    }
    if (!finding) {
      if (onset) await repo.deleteOnset(trx, device.deviceId, rule);
      if (alarm) {
        const after = await repo.updateAlarm(trx, alarm.id, { clearedAt: later(now, alarm.openedAt) });
        await recordAudit(trx, communeId, DETECTION_ACTOR, {
          action: 'lighting.alarm.clear',
          entityType: 'lighting_alarm',
          entityId: alarm.id,
          before: alarm,
          after,
        });
        cleared.push(after);
      }
      continue;
    }
    if (alarm) {
      const confirmed =
        finding.evidenceAt.getTime() > alarm.lastSeenAt.getTime()
          ? await repo.updateAlarm(trx, alarm.id, { lastSeenAt: finding.evidenceAt, details: finding.details })
          : alarm;
      open.push({ alarm: confirmed, finding });
      continue;
    }
    const since = onset?.since ?? finding.evidenceAt;
    const due = since.getTime() + windowMs(rule, c.settings);
    if (now.getTime() >= due) {
      if (onset) await repo.deleteOnset(trx, device.deviceId, rule);
      const row = await repo.insertAlarm(trx, {
        communeId,
        deviceId: device.deviceId,
        luminaireId: device.luminaireId,
        cabinetId: device.cabinetId,
        rule,
        openedAt: since,
        lastSeenAt: later(finding.evidenceAt, since),
        details: finding.details,
      });
      await recordAudit(trx, communeId, DETECTION_ACTOR, {
        action: 'lighting.alarm.open',
        entityType: 'lighting_alarm',
        entityId: row.id,
        after: row,
      });
      opened.push(row);
      open.push({ alarm: row, finding });
    } else if (!onset) {
      await repo.insertOnset(trx, { communeId, deviceId: device.deviceId, rule, since, details: finding.details });
      // Evaluate the device again when the window ends, not a sweep later.
      await enqueue(trx, {
        kind: DETECT_JOB,
        communeId,
        payload: { deviceIds: [device.deviceId] },
        runAt: new Date(due),
        dedupeKey: `${DETECT_JOB}:${device.deviceId}:${rule}:${since.toISOString()}`,
      });
    }
  }
  c.result.opened.push(...opened);
  c.result.cleared.push(...cleared);
  if (opened.length > 0 || cleared.length > 0 || open.length > 0) await syncWorkOrder(c, device, { opened, cleared, open });
}

// ── work orders ────────────────────────────────────────────────────────────────────────────────

/** The work order of a device: one per luminaire or cabinet of the inventory. */
export function deviceSource(device: Pick<EvaluatedDevice, 'luminaireId' | 'cabinetId'>) {
  if (device.luminaireId) return { type: 'lighting_luminaire', id: device.luminaireId };
  if (device.cabinetId) return { type: 'lighting_cabinet', id: device.cabinetId };
  return null;
}

async function texts(c: Context): Promise<Translator> {
  if (!c.texts) {
    const locale = await repo.communeLocale(c.trx, c.communeId);
    c.texts = translator(isLocale(locale) ? locale : 'ar');
  }
  return c.texts;
}

const stamp = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

/** Appends lines to a description, keeping its newest part within the length work orders accept. */
function appendLines(description: string | null, lines: string[]): string {
  const text = [description, ...lines].filter(Boolean).join('\n');
  return text.length <= LIMITS.descriptionMax ? text : `…${text.slice(text.length - LIMITS.descriptionMax + 1)}`;
}

async function syncWorkOrder(
  c: Context,
  device: EvaluatedDevice,
  alarms: { opened: AlarmRow[]; cleared: AlarmRow[]; open: { alarm: AlarmRow; finding: Finding }[] },
) {
  const source = deviceSource(device);
  if (!source) return;
  const { trx, communeId, now } = c;
  const ctx: CallContext = { communeId, principal: null, actor: DETECTION_ACTOR };
  const t = await texts(c);
  const code = device.code ?? device.deviceId;
  const ruleName = (rule: Rule) => t.t(`lighting.alarm.rule.${rule}`);
  const alarmLine = (a: AlarmRow) =>
    t.t('lighting.alarm.line', { rule: ruleName(a.rule), since: stamp(a.openedAt), device: device.deviceId });
  let wo: WorkOrderRow | undefined = await findWorkOrderBySource(trx, source.type, source.id);
  const counts = c.result.workOrders;

  if (alarms.opened.length > 0) {
    const lines = alarms.opened.map(alarmLine);
    const checklist = [...(wo?.checklist ?? [])];
    for (const a of alarms.opened) {
      const label = t.t(`lighting.alarm.check.${a.rule}`);
      if (!checklist.some((item) => item.label === label && !item.done)) checklist.push({ label, done: false });
    }
    if (!wo) {
      wo = await createWorkOrder(
        trx,
        ctx,
        {
          title: t.t('lighting.alarm.title', { code, rule: ruleName(alarms.opened[0]!.rule) }).slice(0, LIMITS.workOrderTitleMax),
          description: appendLines(null, lines),
          location: device.lat !== null && device.lon !== null ? { lat: device.lat, lon: device.lon } : null,
          departmentId: c.settings.departmentId,
          priority: device.kind === 'cabinet' ? 'high' : 'normal',
          checklist,
          isDemo: device.isDemo,
        },
        [source],
      );
      counts.created++;
      await alert(c, wo, code, alarms.opened[0]!.rule);
    } else if (wo.status === 'open' || wo.status === 'in_progress') {
      wo = await changeWorkOrder(trx, ctx, wo, { description: appendLines(wo.description, lines), checklist });
      counts.updated++;
    } else {
      wo = await changeWorkOrder(trx, ctx, wo, {
        status: 'open',
        description: appendLines(wo.description, [t.t('lighting.alarm.reopened', { at: stamp(now) }), ...lines]),
        checklist,
      });
      counts.reopened++;
      await alert(c, wo, code, alarms.opened[0]!.rule);
    }
  } else if (alarms.open.length === 0 && alarms.cleared.length > 0 && wo) {
    // Readings are back to normal. Nobody started the work: it is not needed any more.
    if (wo.status === 'open') {
      wo = await changeWorkOrder(trx, ctx, wo, {
        status: 'cancelled',
        description: appendLines(wo.description, [t.t('lighting.alarm.cleared_cancelled', { at: stamp(now) })]),
      });
      counts.cancelled++;
    } else if (wo.status === 'in_progress') {
      wo = await changeWorkOrder(trx, ctx, wo, {
        description: appendLines(wo.description, [t.t('lighting.alarm.cleared_note', { at: stamp(now) })]),
      });
      counts.updated++;
    }
  } else if (wo?.status === 'done' && wo.completedAt) {
    // Repaired, yet a reading after the repair still shows the fault (or it stayed silent).
    const completedAt = wo.completedAt;
    const still = alarms.open.filter(({ alarm, finding }) =>
      alarm.rule === 'silent'
        ? now.getTime() - completedAt.getTime() > silenceMs(device.kind, c.settings)
        : finding.evidenceAt.getTime() > completedAt.getTime(),
    );
    if (still.length > 0) {
      wo = await changeWorkOrder(trx, ctx, wo, {
        status: 'open',
        description: appendLines(wo.description, [
          t.t('lighting.alarm.still_faulty', { at: stamp(now) }),
          ...still.map(({ alarm }) => alarmLine(alarm)),
        ]),
      });
      counts.reopened++;
      await alert(c, wo, code, still[0]!.alarm.rule);
    }
  }
  if (!wo) return;
  for (const { alarm } of alarms.open) {
    if (alarm.workOrderId !== wo.id) await repo.updateAlarm(trx, alarm.id, { workOrderId: wo.id });
  }
}

/** Tells the supervisors and agents of the work order's department, each in their language. */
async function alert(c: Context, wo: WorkOrderRow, code: string, rule: Rule) {
  if (!wo.departmentId) return;
  for (const member of await repo.alertedStaff(c.trx, wo.departmentId)) {
    const locale: Locale = isLocale(member.locale) ? member.locale : 'fr';
    const t = translator(locale);
    const values = {
      code,
      rule: t.t(`lighting.alarm.rule.${rule}`),
      number: wo.number,
      link: `${c.links.publicUrl}/office/workorders/${wo.id}`,
    };
    await enqueue(c.trx, {
      kind: 'notify.mail',
      communeId: c.communeId,
      payload: {
        to: member.email,
        language: locale,
        subject: t.t('mail.lighting.alarm.subject', values),
        text: t.t('mail.lighting.alarm.body', values),
      },
    });
  }
}
