import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedLightingDemo } from '../modules/lighting/index.js';
import { insertAnnouncement, insertOffice, type OpeningPeriod } from '../modules/portal/index.js';
import type { Actor } from '../platform/audit/audit.js';
import { recordAudit } from '../platform/audit/audit.js';
import { hashPassword } from '../platform/auth/passwords.js';
import type { Role } from '../platform/auth/permissions.js';
import { findCommuneByCode } from '../platform/communes/communes.repository.js';
import { createCommuneFromArea, loadAdminAreas } from '../platform/communes/communes.service.js';
import type { Database } from '../platform/db/database.js';
import { withCommune } from '../platform/db/tenant.js';
import type { Multilingual } from '../platform/db/types.js';
import { ESERVICES_DEPARTMENTS, seedEservicesDemo } from './demo-eservices.js';
import { seedGisDemo } from './demo-gis.js';
import { seedReportsDemo } from './demo-reports.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PROVINCE_FILE = path.join(ROOT, 'seed/morocco/berkane_province_communes.geojson');

/** Published on purpose: demo accounts exist only outside production (the config refuses both at once). */
export const DEMO_PASSWORD = 'berkane-demo-2026';

interface DepartmentSeed {
  code: string;
  name: Multilingual;
  children?: DepartmentSeed[];
}

// The organization chart of a Moroccan urban commune, as the foundation issue describes it.
const DEPARTMENTS: DepartmentSeed = {
  code: 'direction',
  name: { ar: 'مديرية المصالح', fr: 'Direction des services', en: 'Directorate of services' },
  children: [
    {
      code: 'technique',
      name: { ar: 'القسم التقني', fr: 'Division technique', en: 'Technical division' },
      children: [
        { code: 'eclairage', name: { ar: 'مصلحة الإنارة العمومية', fr: "Service de l'éclairage public", en: 'Public lighting service' } },
        { code: 'proprete', name: { ar: 'مصلحة النظافة', fr: 'Service de la propreté', en: 'Cleanliness service' } },
        {
          code: 'voirie',
          name: { ar: 'مصلحة الطرق والشبكات', fr: 'Service de la voirie et des réseaux', en: 'Roads and networks service' },
        },
        { code: 'transports', name: { ar: 'مصلحة النقل', fr: 'Service des transports', en: 'Transport service' } },
      ],
    },
    // Urban planning permits (e-services: building, subdivision, occupancy… Decree 2.22.141).
    { code: 'urbanisme', name: ESERVICES_DEPARTMENTS.urbanisme.name },
    { code: 'bmh', name: { ar: 'المكتب الجماعي لحفظ الصحة', fr: "Bureau municipal d'hygiène", en: 'Municipal hygiene office' } },
    {
      code: 'administratif',
      name: { ar: 'قسم الشؤون الإدارية', fr: 'Division des affaires administratives', en: 'Administrative affairs division' },
      children: [
        { code: 'bureau_ordre', name: { ar: 'مكتب الضبط', fr: "Bureau d'ordre", en: 'Registry office' } },
        { code: 'etat_civil', name: { ar: 'مكتب الحالة المدنية', fr: 'État civil', en: 'Civil registry' } },
        { code: 'affaires_economiques', name: ESERVICES_DEPARTMENTS.affaires_economiques.name },
        { code: 'legalisation', name: ESERVICES_DEPARTMENTS.legalisation.name },
      ],
    },
  ],
};

/** One demo account per role, each in the department where that role works. */
export const DEMO_ACCOUNTS: { role: Role; department: string | null; name: string }[] = [
  { role: 'admin', department: null, name: 'Admin (démo)' },
  { role: 'supervisor', department: 'technique', name: 'Chef de division (démo)' },
  { role: 'agent', department: 'bureau_ordre', name: "Agent du bureau d'ordre (démo)" },
  { role: 'technician', department: 'eclairage', name: 'Technicien éclairage (démo)' },
  { role: 'inspector', department: 'bmh', name: 'Inspecteur BMH (démo)' },
  { role: 'contractor', department: 'proprete', name: 'Prestataire propreté (démo)' },
  { role: 'viewer', department: 'direction', name: 'Consultation (démo)' },
];

export const demoEmail = (role: Role) => `${role}@berkane.example`;

// The official schedule of Moroccan public administrations: Monday to Friday, 08:30 to 16:30.
const ADMINISTRATION_HOURS: OpeningPeriod[] = [1, 2, 3, 4, 5].map((day) => ({ day, opens: '08:30', closes: '16:30' }));

// Two front desks of the departments above. Their address, phone and email are left for the
// commune to fill in: none is invented here.
const DEMO_OFFICES: Multilingual[] = [
  { ar: 'مكتب الضبط', fr: "Bureau d'ordre", en: 'Registry office' },
  { ar: 'مكتب الحالة المدنية', fr: "Bureau de l'état civil", en: 'Civil registry office' },
];
const DEMO_OFFICE_NOTE: Multilingual = {
  ar: 'بيانات تجريبية: التوقيت الرسمي للإدارات العمومية، ويُعدَّل خلال شهر رمضان. تضيف الجماعة العنوان ورقم الهاتف.',
  fr: "Données de démonstration : horaires officiels des administrations publiques, aménagés pendant le mois de Ramadan. L'adresse et le téléphone sont à compléter par la commune.",
  en: 'Demonstration data: the official hours of Moroccan public administrations, adjusted during Ramadan. The commune adds the address and phone number.',
};

const DEMO_ANNOUNCEMENT: { title: Multilingual; body: Multilingual } = {
  title: {
    ar: 'مرحبًا بكم في البوابة التجريبية لمنصة مدينة',
    fr: 'Bienvenue sur le portail de démonstration de Madina',
    en: 'Welcome to the Madina demonstration portal',
  },
  body: {
    ar: 'هذه البوابة نسخة تجريبية لمنصة مدينة، معدّة لجماعة بركان. الإعلانات والمكاتب والحسابات المعروضة هنا أمثلة للعرض فقط، وليست بلاغات رسمية صادرة عن الجماعة.\n\nيمكنكم تصفح الإعلانات ومعرفة المكاتب وأوقات عملها.',
    fr: 'Ce portail est une démonstration de la plateforme Madina, préparée pour la commune de Berkane. Les annonces, les bureaux et les comptes présentés ici sont des exemples de démonstration : ce ne sont pas des communications officielles de la commune.\n\nVous pouvez y parcourir les annonces et consulter les bureaux et leurs horaires.',
    en: 'This portal is a demonstration of the Madina platform, prepared for the commune of Berkane. The announcements, offices and accounts shown here are examples for demonstration only: they are not official communications of the commune.\n\nYou can browse the announcements and look up the offices and their opening hours.',
  },
};

/**
 * Seeds the demo: the province's communes as reference geography, the commune of Berkane as a
 * tenant with its departments, one demo account per role, and the portal's demo content (two
 * offices, a welcome announcement), all marked as demonstration. Does nothing if Berkane exists.
 * Returns whether it seeded.
 */
export async function seedDemo(db: Database, actor: Actor): Promise<boolean> {
  const existing = await findCommuneByCode(db.kysely, 'berkane');
  if (existing) {
    // A commune seeded before a module existed gets that module's demo content now.
    return withCommune(db, existing.id, async (trx) => {
      const reports = await seedReportsDemo(trx, existing.id, existing.officialCode, actor);
      const gis = await seedGisDemo(trx, existing.id, actor);
      const lighting = await seedLightingDemo(trx, existing.id, existing.code, actor);
      const eservices = await seedEservicesDemo(trx, existing.id, actor);
      return reports || gis || lighting || eservices;
    });
  }
  await loadAdminAreas(db, PROVINCE_FILE);
  const communeId = await createCommuneFromArea(db, 'berkane', { hosts: [], isDemo: true }, actor);
  if (!communeId) throw new Error('the seed data has no commune "berkane"');
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await withCommune(db, communeId, async (trx) => {
    const ids = new Map<string, string>();
    const paths = new Map<string, string>();
    const insert = async (d: DepartmentSeed, parent: string | null) => {
      const id = randomUUID();
      const path = `${parent ? paths.get(parent) : '/'}${id}/`;
      await trx
        .insertInto('platform.department')
        .values({ communeId, id, code: d.code, name: JSON.stringify(d.name), parentId: parent ? (ids.get(parent) ?? null) : null, path })
        .execute();
      ids.set(d.code, id);
      paths.set(d.code, path);
      await recordAudit(trx, communeId, actor, {
        action: 'platform.department.create',
        entityType: 'department',
        entityId: id,
        after: { code: d.code, name: d.name },
      });
      for (const child of d.children ?? []) await insert(child, d.code);
    };
    await insert(DEPARTMENTS, null);
    for (const account of DEMO_ACCOUNTS) {
      const { id } = await trx
        .insertInto('platform.userAccount')
        .values({
          communeId,
          email: demoEmail(account.role),
          displayName: account.name,
          passwordHash,
          role: account.role,
          departmentId: account.department ? (ids.get(account.department) ?? null) : null,
          locale: null,
          isDemo: true,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(trx, communeId, actor, {
        action: 'platform.user.create',
        entityType: 'user',
        entityId: id,
        after: { email: demoEmail(account.role), role: account.role, isDemo: true },
      });
    }
    for (const [sortOrder, name] of DEMO_OFFICES.entries()) {
      const office = await insertOffice(trx, {
        communeId,
        name,
        address: null,
        phone: null,
        email: null,
        hours: ADMINISTRATION_HOURS,
        note: DEMO_OFFICE_NOTE,
        sortOrder,
        isDemo: true,
      });
      await recordAudit(trx, communeId, actor, {
        action: 'portal.office.create',
        entityType: 'office',
        entityId: office.id,
        after: office,
      });
    }
    const welcome = await insertAnnouncement(trx, {
      communeId,
      ...DEMO_ANNOUNCEMENT,
      status: 'published',
      publishedAt: new Date(),
      authorId: null,
      isDemo: true,
    });
    await recordAudit(trx, communeId, actor, {
      action: 'portal.announcement.create',
      entityType: 'announcement',
      entityId: welcome.id,
      after: welcome,
    });
    const commune = await findCommuneByCode(trx, 'berkane');
    await seedReportsDemo(trx, communeId, commune?.officialCode ?? null, actor);
    await seedGisDemo(trx, communeId, actor);
    await seedLightingDemo(trx, communeId, 'berkane', actor);
    await seedEservicesDemo(trx, communeId, actor);
  });
  return true;
}
