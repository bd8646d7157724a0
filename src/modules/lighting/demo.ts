import { createHash } from 'node:crypto';
import { type Actor, recordAudit } from '../../platform/audit/audit.js';
import type { Tx } from '../../platform/db/tenant.js';
import { countCabinets, insertDemoInventory } from './lighting.repository.js';
import { seedScheduleDemo } from './schedule-demo.js';

/**
 * The size of the demo inventory. Berkane (~110,000 inhabitants) would have some 8,000–10,000
 * light points; the demo seeds 3,000 on 40 cabinets, which seeds in about a second on PGlite
 * (measured; see the lighting section of the README) and is enough for the maps and the
 * benchmarks. A real inventory comes from an import.
 */
export const DEMO_CABINETS = 40;
export const DEMO_LUMINAIRES = 3000;

/**
 * The secret of a demo device, derived from its id: published on purpose (like the demo accounts'
 * password), so the simulator can connect the demo controllers. Only devices marked demo get it,
 * and never in production.
 */
export function demoDeviceSecret(deviceId: string): string {
  return createHash('sha256').update(`madina-demo-device:${deviceId}`).digest('base64url');
}

/**
 * The lighting module's demo content for a commune: control cabinets and luminaires drawn inside
 * its real boundary, reproducibly, each with its controller device, all marked as demo. Does
 * nothing when the commune has cabinets already. Returns whether it seeded.
 */
export async function seedLightingDemo(trx: Tx, communeId: string, communeCode: string, actor: Actor): Promise<boolean> {
  if ((await countCabinets(trx)) > 0) return false;
  await insertDemoInventory(trx, communeId, communeCode, DEMO_CABINETS, DEMO_LUMINAIRES);
  await recordAudit(trx, communeId, actor, {
    action: 'lighting.inventory.seed_demo',
    entityType: 'lighting_inventory',
    entityId: null,
    after: { cabinets: DEMO_CABINETS, luminaires: DEMO_LUMINAIRES, isDemo: true },
  });
  await seedScheduleDemo(trx, communeId, actor);
  return true;
}
