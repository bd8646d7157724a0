import { sql } from 'kysely';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { Tx } from '../../platform/db/tenant.js';
import { insertGroup } from './groups.repository.js';
import type { CalendarRule, ProfileStep } from './schedule.js';
import * as repo from './schedules.repository.js';

const dusk = { at: 'dusk', offsetMinutes: 0 } as const;
const dawn = { at: 'dawn', offsetMinutes: 0 } as const;
const clock = (time: string) => ({ at: 'clock', time }) as const;

/** The demo's profiles: the example, a brighter one for the avenues, Ramadan nights, holidays. */
const PROFILES: { code: string; name: Record<string, string>; steps: ProfileStep[] }[] = [
  {
    code: 'STANDARD',
    name: { ar: 'عادي: 50٪ من 23:00 إلى 05:00', fr: 'Standard : 50 % de 23 h à 5 h', en: 'Standard: 50% from 23:00 to 05:00' },
    steps: [
      { from: dusk, until: clock('23:00'), level: 100 },
      { from: clock('23:00'), until: clock('05:00'), level: 50 },
      { from: clock('05:00'), until: dawn, level: 100 },
    ],
  },
  {
    code: 'AVENUES',
    name: { ar: 'الشوارع الكبرى: 70٪ من 00:00 إلى 05:00', fr: 'Avenues : 70 % de 0 h à 5 h', en: 'Avenues: 70% from 00:00 to 05:00' },
    steps: [
      { from: dusk, until: clock('00:00'), level: 100 },
      { from: clock('00:00'), until: clock('05:00'), level: 70 },
      { from: clock('05:00'), until: dawn, level: 100 },
    ],
  },
  {
    // People are out late after iftar and up again for suhoor before dawn.
    code: 'RAMADAN',
    name: {
      ar: 'رمضان: إنارة كاملة حتى 02:00 وللسحور',
      fr: 'Ramadan : plein feu jusqu’à 2 h et pour le shour',
      en: 'Ramadan: full to 02:00 and for suhoor',
    },
    steps: [
      { from: dusk, until: clock('02:00'), level: 100 },
      { from: clock('02:00'), until: clock('03:30'), level: 70 },
      { from: clock('03:30'), until: dawn, level: 100 },
    ],
  },
  {
    code: 'FULL',
    name: { ar: 'إنارة كاملة طوال الليل', fr: 'Plein feu toute la nuit', en: 'Full all night' },
    steps: [],
  },
];

/**
 * The demo's lamp groups, schedules and calendars for a commune whose demo inventory was just
 * seeded (all marked demo): the tall poles (10 m and more, the avenues) in one group, the other
 * luminaires split north and south of the commune's centroid (residential districts); the
 * example profile for the districts, a brighter one for the avenues; a Ramadan calendar and a
 * public-holiday calendar for every schedule.
 */
export async function seedScheduleDemo(trx: Tx, communeId: string, actor: Actor): Promise<void> {
  const profiles = new Map<string, string>();
  for (const p of PROFILES) profiles.set(p.code, (await repo.insertProfile(trx, { communeId, ...p, isDemo: true })).id);

  const groups = {
    AVENUES: await insertGroup(trx, {
      communeId,
      code: 'AVENUES',
      name: { ar: 'الشوارع الكبرى', fr: 'Avenues principales', en: 'Main avenues' },
      description: { ar: 'أعمدة من 10 أمتار فأكثر', fr: 'Mâts de 10 m et plus', en: 'Poles of 10 m and more' },
      isDemo: true,
    }),
    'RES-NORTH': await insertGroup(trx, {
      communeId,
      code: 'RES-NORTH',
      name: { ar: 'الأحياء السكنية - الشمال', fr: 'Quartiers résidentiels nord', en: 'Residential streets, north' },
      description: null,
      isDemo: true,
    }),
    'RES-SOUTH': await insertGroup(trx, {
      communeId,
      code: 'RES-SOUTH',
      name: { ar: 'الأحياء السكنية - الجنوب', fr: 'Quartiers résidentiels sud', en: 'Residential streets, south' },
      description: null,
      isDemo: true,
    }),
  };
  await sql`
    UPDATE lighting.luminaire l
       SET group_id = CASE WHEN l.lantern_height >= 10 THEN ${groups.AVENUES}::uuid
                           WHEN ST_Y(l.location) >= ST_Y(ST_Centroid(c.boundary)) THEN ${groups['RES-NORTH']}::uuid
                           ELSE ${groups['RES-SOUTH']}::uuid END
      FROM platform.commune c
     WHERE c.id = ${communeId}::uuid AND l.is_demo`.execute(trx);

  const standard = await repo.insertSchedule(trx, {
    communeId,
    code: 'DISTRICTS',
    name: { ar: 'برنامج الأحياء', fr: 'Programme des quartiers', en: 'Districts schedule' },
    profileId: profiles.get('STANDARD')!,
    sunAltitude: -0.833,
    duskOffsetMinutes: 10,
    dawnOffsetMinutes: -10,
    isDemo: true,
  });
  await repo.assignGroups(trx, communeId, standard.id, [groups['RES-NORTH'], groups['RES-SOUTH']]);
  const avenues = await repo.insertSchedule(trx, {
    communeId,
    code: 'AVENUES',
    name: { ar: 'برنامج الشوارع الكبرى', fr: 'Programme des avenues', en: 'Avenues schedule' },
    profileId: profiles.get('AVENUES')!,
    sunAltitude: -0.833,
    duskOffsetMinutes: 0,
    dawnOffsetMinutes: 0,
    isDemo: true,
  });
  await repo.assignGroups(trx, communeId, avenues.id, [groups.AVENUES]);

  const calendars: { code: string; name: Record<string, string>; priority: number; profile: string; rules: CalendarRule[] }[] = [
    {
      code: 'RAMADAN',
      name: { ar: 'ليالي رمضان', fr: 'Nuits du Ramadan', en: 'Ramadan nights' },
      priority: 10,
      profile: 'RAMADAN',
      rules: [{ kind: 'hijri_month', month: 9 }],
    },
    {
      code: 'HOLIDAYS',
      name: { ar: 'الأعياد الوطنية والدينية', fr: 'Jours fériés', en: 'Public holidays' },
      priority: 20,
      profile: 'FULL',
      rules: [{ kind: 'public_holidays' }],
    },
  ];
  for (const c of calendars) {
    await repo.insertCalendar(trx, {
      communeId,
      code: c.code,
      name: c.name,
      priority: c.priority,
      scheduleId: null,
      profileId: profiles.get(c.profile)!,
      rules: c.rules,
      isDemo: true,
    });
  }
  await recordAudit(trx, communeId, actor, {
    action: 'lighting.schedules.seed_demo',
    entityType: 'lighting_schedules',
    entityId: null,
    after: {
      profiles: [...profiles.keys()],
      groups: Object.keys(groups),
      schedules: ['DISTRICTS', 'AVENUES'],
      calendars: ['RAMADAN', 'HOLIDAYS'],
      isDemo: true,
    },
  });
}
