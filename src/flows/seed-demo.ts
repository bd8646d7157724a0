import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Actor } from '../platform/audit/audit.js';
import { recordAudit } from '../platform/audit/audit.js';
import { hashPassword } from '../platform/auth/passwords.js';
import type { Role } from '../platform/auth/permissions.js';
import { findCommuneByCode } from '../platform/communes/communes.repository.js';
import { createCommuneFromArea, loadAdminAreas } from '../platform/communes/communes.service.js';
import type { Database } from '../platform/db/database.js';
import { withCommune } from '../platform/db/tenant.js';
import type { Multilingual } from '../platform/db/types.js';

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
    { code: 'bmh', name: { ar: 'المكتب الجماعي لحفظ الصحة', fr: "Bureau municipal d'hygiène", en: 'Municipal hygiene office' } },
    {
      code: 'administratif',
      name: { ar: 'قسم الشؤون الإدارية', fr: 'Division des affaires administratives', en: 'Administrative affairs division' },
      children: [
        { code: 'bureau_ordre', name: { ar: 'مكتب الضبط', fr: "Bureau d'ordre", en: 'Registry office' } },
        { code: 'etat_civil', name: { ar: 'مكتب الحالة المدنية', fr: 'État civil', en: 'Civil registry' } },
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

/**
 * Seeds the demo: the province's communes as reference geography, the commune of Berkane as a
 * tenant with its departments, and one demo account per role. Does nothing if Berkane exists.
 * Returns whether it seeded.
 */
export async function seedDemo(db: Database, actor: Actor): Promise<boolean> {
  if (await findCommuneByCode(db.kysely, 'berkane')) return false;
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
  });
  return true;
}
