import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { type Attribute, countCategories, insertCategory, insertReport, insertUpdate, listCategories } from '../modules/reports/index.js';
import type { Actor } from '../platform/audit/audit.js';
import { recordAudit } from '../platform/audit/audit.js';
import { hashToken, newToken } from '../platform/auth/tokens.js';
import type { Tx } from '../platform/db/tenant.js';
import type { Multilingual } from '../platform/db/types.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const NEIGHBOURHOODS_FILE = path.join(ROOT, 'seed/morocco/berkane_province_neighbourhoods.csv');

interface CategorySeed {
  code: string;
  department: string;
  group: string;
  name: Multilingual;
  targetHours: number;
  isPublic?: boolean;
  attributes?: Attribute[];
}

const list = (code: string, description: Multilingual, values: [string, Multilingual][], multi = false, required = false): Attribute => ({
  code,
  datatype: multi ? 'multivaluelist' : 'singlevaluelist',
  required,
  description,
  order: 0,
  values: values.map(([key, name]) => ({ key, name })),
});

// What citizens of a Moroccan commune report, by the department that owns it. Target times are
// the demo's choice, for the commune to set.
const CATEGORIES: CategorySeed[] = [
  {
    code: 'streetlight',
    department: 'eclairage',
    group: 'lighting',
    name: { ar: 'عمود إنارة معطل', fr: 'Lampadaire en panne', en: 'Street light not working' },
    targetHours: 72,
    attributes: [
      list(
        'lamp_state',
        { ar: 'ما المشكل؟', fr: 'Quel est le problème ?', en: 'What is wrong?' },
        [
          ['off', { ar: 'مطفأ ليلًا', fr: 'Éteint la nuit', en: 'Off at night' }],
          ['flickering', { ar: 'يومض', fr: 'Clignote', en: 'Flickering' }],
          ['day_burning', { ar: 'مشتعل نهارًا', fr: 'Allumé le jour', en: 'On during the day' }],
        ],
        false,
        true,
      ),
      {
        code: 'pole_number',
        datatype: 'string',
        required: false,
        description: { ar: 'رقم العمود إن وُجد', fr: 'Numéro du poteau, s’il y en a un', en: 'Pole number, if there is one' },
        order: 1,
      },
    ],
  },
  {
    code: 'lighting_hazard',
    department: 'eclairage',
    group: 'lighting',
    name: { ar: 'عمود متضرر أو أسلاك مكشوفة', fr: 'Poteau endommagé ou câbles dénudés', en: 'Damaged pole or exposed wires' },
    targetHours: 24,
  },
  {
    code: 'container_full',
    department: 'proprete',
    group: 'cleanliness',
    name: { ar: 'حاوية أزبال ممتلئة', fr: 'Conteneur à déchets plein', en: 'Overflowing waste container' },
    targetHours: 24,
  },
  {
    code: 'container_damaged',
    department: 'proprete',
    group: 'cleanliness',
    name: { ar: 'حاوية أزبال متضررة', fr: 'Conteneur à déchets endommagé', en: 'Damaged waste container' },
    targetHours: 72,
  },
  {
    code: 'illegal_dumping',
    department: 'proprete',
    group: 'cleanliness',
    name: { ar: 'رمي عشوائي للنفايات', fr: 'Dépôt sauvage de déchets', en: 'Illegal dumping' },
    targetHours: 72,
    attributes: [
      list(
        'waste_type',
        { ar: 'نوع النفايات', fr: 'Type de déchets', en: 'Type of waste' },
        [
          ['household', { ar: 'نفايات منزلية', fr: 'Ordures ménagères', en: 'Household waste' }],
          ['rubble', { ar: 'مخلفات البناء', fr: 'Gravats', en: 'Rubble' }],
          ['green', { ar: 'نفايات خضراء', fr: 'Déchets verts', en: 'Green waste' }],
          ['bulky', { ar: 'أغراض كبيرة', fr: 'Encombrants', en: 'Bulky items' }],
        ],
        true,
      ),
    ],
  },
  {
    code: 'street_sweeping',
    department: 'proprete',
    group: 'cleanliness',
    name: { ar: 'شارع غير منظف', fr: 'Rue non balayée', en: 'Street not swept' },
    targetHours: 48,
  },
  {
    code: 'pothole',
    department: 'voirie',
    group: 'roads',
    name: { ar: 'حفرة في الطريق', fr: 'Nid-de-poule', en: 'Pothole' },
    targetHours: 168,
    attributes: [
      list('size', { ar: 'حجم الحفرة', fr: 'Taille du trou', en: 'Size of the hole' }, [
        ['small', { ar: 'صغيرة', fr: 'Petit', en: 'Small' }],
        ['medium', { ar: 'متوسطة', fr: 'Moyen', en: 'Medium' }],
        ['large', { ar: 'كبيرة', fr: 'Grand', en: 'Large' }],
      ]),
    ],
  },
  {
    code: 'pavement',
    department: 'voirie',
    group: 'roads',
    name: { ar: 'رصيف متضرر', fr: 'Trottoir endommagé', en: 'Damaged pavement' },
    targetHours: 336,
  },
  {
    code: 'drain',
    department: 'voirie',
    group: 'roads',
    name: { ar: 'بالوعة مسدودة أو بدون غطاء', fr: 'Avaloir bouché ou sans couvercle', en: 'Blocked drain or missing cover' },
    targetHours: 48,
  },
  {
    // Not public: a report names a business, and an inspection decides.
    code: 'unsanitary_establishment',
    department: 'bmh',
    group: 'hygiene',
    name: { ar: 'محل لا يحترم شروط النظافة', fr: 'Établissement insalubre', en: 'Unsanitary establishment' },
    targetHours: 72,
    isPublic: false,
    attributes: [
      {
        code: 'establishment',
        datatype: 'string',
        required: true,
        description: { ar: 'اسم المحل ونوعه', fr: 'Nom et type de l’établissement', en: 'Name and kind of establishment' },
        order: 0,
      },
    ],
  },
  {
    code: 'stray_animals',
    department: 'bmh',
    group: 'hygiene',
    name: { ar: 'حيوانات ضالة', fr: 'Animaux errants', en: 'Stray animals' },
    targetHours: 72,
  },
  {
    code: 'pests',
    department: 'bmh',
    group: 'hygiene',
    name: { ar: 'حشرات أو قوارض', fr: 'Insectes ou rongeurs', en: 'Insects or rodents' },
    targetHours: 120,
  },
  {
    code: 'green_space',
    department: 'technique',
    group: 'green_spaces',
    name: { ar: 'مساحة خضراء أو شجرة متضررة', fr: 'Espace vert ou arbre endommagé', en: 'Damaged green space or tree' },
    targetHours: 168,
  },
  {
    code: 'bus_stop',
    department: 'transports',
    group: 'transport',
    name: { ar: 'محطة حافلات متضررة', fr: 'Arrêt de bus endommagé', en: 'Damaged bus stop' },
    targetHours: 168,
  },
];

/** The neighbourhood names of one commune from the province's list (names only: the file has no shapes). */
export function readNeighbourhoods(officialCode: string): { name: Multilingual; source: string }[] {
  const [header, ...lines] = fs.readFileSync(NEIGHBOURHOODS_FILE, 'utf8').trim().split('\n');
  const columns = header!.split(',');
  const at = (name: string) => columns.indexOf(name);
  return lines
    .map((line) => line.split(','))
    .filter((cells) => cells[at('commune_code')] === officialCode)
    .map((cells) => {
      const fr = cells[at('name')]!.trim();
      const ar = cells[at('name_ar')]?.trim();
      return { name: ar ? { ar, fr } : { fr }, source: cells[at('source')]!.trim() };
    });
}

/**
 * The reports module's demo content for a commune: its districts (names) and the report
 * categories, each owned by its department. Does nothing for a part that already has rows.
 */
export async function seedReportsDemo(trx: Tx, communeId: string, officialCode: string | null, actor: Actor): Promise<boolean> {
  let seeded = false;
  const existing = await trx.selectFrom('platform.district').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  if (existing.n === 0 && officialCode) {
    for (const d of readNeighbourhoods(officialCode)) {
      await trx
        .insertInto('platform.district')
        .values({ communeId, name: JSON.stringify(d.name), source: d.source })
        .execute();
      seeded = true;
    }
  }
  if ((await countCategories(trx)) > 0) return seeded;
  const departments = new Map(
    (await trx.selectFrom('platform.department').select(['id', 'code']).execute()).map((d) => [d.code, d.id] as const),
  );
  for (const [sortOrder, c] of CATEGORIES.entries()) {
    const departmentId = departments.get(c.department);
    if (!departmentId) continue;
    const row = await insertCategory(trx, communeId, {
      code: c.code,
      departmentId,
      groupCode: c.group,
      name: c.name,
      description: null,
      keywords: [],
      targetHours: c.targetHours,
      attributes: (c.attributes ?? []).map((a, order) => ({ ...a, order })),
      isPublic: c.isPublic ?? true,
      enabled: true,
      sortOrder,
      isDemo: true,
    });
    if (row) {
      await recordAudit(trx, communeId, actor, { action: 'reports.category.create', entityType: 'category', entityId: row.id, after: row });
    }
    seeded = true;
  }
  await seedDemoReports(trx, communeId, actor);
  return seeded;
}

const DEMO_STATUSES = ['open', 'open', 'acknowledged', 'in_progress', 'fixed', 'closed'] as const;
const DEMO_TEXT = {
  ar: 'بلاغ تجريبي: مكانه مولَّد داخل حدود الجماعة، وليس بلاغًا حقيقيًا.',
  fr: 'Signalement de démonstration : lieu généré dans les limites de la commune, ce n’est pas un vrai signalement.',
};

/**
 * Demo reports for the public map: places generated reproducibly inside the commune's real
 * boundary (PostGIS ST_GeneratePoints with a fixed seed), public categories in turn, dated over
 * the last weeks, marked as demonstration in the data and in their text.
 */
async function seedDemoReports(trx: Tx, communeId: string, actor: Actor, count = 40) {
  const { rows: points } = await sql<{ lat: number; lon: number }>`
    SELECT ST_Y(p.geom) AS lat, ST_X(p.geom) AS lon
      FROM platform.commune c, ST_Dump(ST_GeneratePoints(c.boundary, ${count}, 2026)) AS p
     WHERE c.id = ${communeId} ORDER BY p.path`.execute(trx);
  const categories = (await listCategories(trx, { enabledOnly: true })).filter((c) => c.isPublic);
  const day = 86_400_000;
  const now = Date.now();
  for (const [i, point] of points.entries()) {
    const category = categories[i % categories.length]!;
    const status = DEMO_STATUSES[i % DEMO_STATUSES.length]!;
    const createdAt = new Date(now - ((i * 37) % 45) * day - (i % 24) * 3_600_000);
    const id = await insertReport(trx, communeId, {
      categoryId: category.id,
      location: point,
      address: null,
      districtId: null,
      description: i % 2 === 0 ? DEMO_TEXT.ar : DEMO_TEXT.fr,
      attributes: {},
      contactName: null,
      contactEmail: null,
      contactPhone: null,
      contactLocale: 'ar',
      secretHash: hashToken(newToken()).toString('hex'),
      source: 'portal',
      apiKeyId: null,
      dueAt: new Date(createdAt.getTime() + category.targetHours * 3_600_000),
      editableUntil: createdAt,
      createdAt,
      status,
      resolvedAt: status === 'fixed' || status === 'closed' ? new Date(createdAt.getTime() + 2 * day) : null,
      isDemo: true,
    });
    await insertUpdate(trx, communeId, { reportId: id, kind: 'created', status: 'open', isPublic: true, at: createdAt });
    if (status !== 'open') {
      await insertUpdate(trx, communeId, {
        reportId: id,
        kind: 'status',
        status,
        isPublic: true,
        authorLabel: actor.label,
        at: new Date(createdAt.getTime() + day),
      });
    }
    await recordAudit(trx, communeId, actor, {
      action: 'reports.report.create',
      entityType: 'report',
      entityId: id,
      after: { isDemo: true, status },
    });
  }
}
