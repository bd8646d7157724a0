/**
 * The platform's NGSI-LD context API (ETSI GS CIM 009) at /ngsi-ld/v1. Modules register their
 * entity types with `entityTypes(platform).register(provider)` (see EntityTypeProvider); the API
 * answers entities, attribute updates from IoT agents, subscriptions and temporal queries for all
 * of them. Access: entity types a provider marks public are readable by anyone (lighting's
 * inventory is public data); other types need `ngsi.entities.read`, updates
 * `ngsi.entities.update`, temporal queries `ngsi.temporal.read`, subscriptions
 * `ngsi.subscriptions.manage` (staff roles, or API keys given those permissions).
 */
import { definePermissions } from '../auth/permissions.js';
import type { App, Platform } from '../platform.js';
import { EntityTypeRegistry } from './registry.js';
import { ngsiLdRoutes } from './routes.js';
import { deliverNotification, NOTIFY_JOB, queueNotifications } from './subscriptions.js';

export type {
  AttributeSpec,
  EntityTypeProvider,
  NgsiAttribute,
  SourceRow,
  TelemetryUpdate,
  TemporalInstant,
  TemporalRange,
} from './registry.js';

definePermissions({
  'ngsi.entities.read': ['supervisor', 'agent', 'technician', 'inspector', 'viewer'],
  'ngsi.entities.update': ['supervisor', 'technician'],
  'ngsi.temporal.read': ['supervisor', 'agent', 'technician', 'inspector', 'viewer'],
  'ngsi.subscriptions.manage': ['supervisor'],
});

const registries = new WeakMap<Platform, EntityTypeRegistry>();

/** The NGSI-LD entity types of this app: modules register their providers here. */
export function entityTypes(platform: Platform): EntityTypeRegistry {
  let registry = registries.get(platform);
  if (!registry) {
    registry = new EntityTypeRegistry();
    registries.set(platform, registry);
  }
  return registry;
}

/** The /ngsi-ld/v1 routes, the notification job, and the subscriptions' hook on stored telemetry. */
export async function ngsiLdModule(app: App, platform: Platform) {
  const registry = entityTypes(platform);
  registry.onRegister((provider) => {
    for (const kind of provider.telemetryKinds ?? []) {
      platform.telemetry.onStored(kind, async (trx, { communeId, states }) => {
        await queueNotifications(trx, provider, communeId, states);
      });
    }
  });
  platform.jobs.handle(NOTIFY_JOB, (job) => deliverNotification(platform.db, job));
  await ngsiLdRoutes(app, platform, registry);
}
