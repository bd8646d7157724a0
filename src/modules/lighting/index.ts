/**
 * Public lighting, first part: the inventory of control cabinets and luminaires (tables
 * lighting.cabinet and lighting.luminaire), the telemetry of their controllers over MQTT — the
 * device kinds `luminaire` and `cabinet`, registered with the platform's telemetry layer — and
 * the provisioning of those controllers under `/api/v1/lighting/devices`. Schedules, outage
 * detection, energy and NGSI-LD build on these tables.
 */
import { definePermissions } from '../../platform/auth/permissions.js';
import { entityTypes } from '../../platform/ngsi-ld/index.js';
import type { App, Platform } from '../../platform/platform.js';
import { registerOsmTarget } from '../gis/index.js';
import { onReportFiled } from '../reports/index.js';
import { alarmsRoutes } from './alarms.routes.js';
import { COMMAND_JOB, runCommands } from './commands.js';
import { linkDarkLampReport, registerDetection } from './detection.jobs.js';
import { devicesRoutes } from './devices.routes.js';
import { energyRoutes } from './energy.routes.js';
import { groupsRoutes } from './groups.routes.js';
import { GroupsService } from './groups.service.js';
import { inventoryRoutes } from './inventory.routes.js';
import { cabinetKind, luminaireKind } from './kinds.js';
import { cabinetProvider, groupProvider, streetlightProvider } from './ngsi.js';
import { lightingOsmTarget } from './osm.js';
import { expectedLevelsAt } from './schedule-levels.js';
import { schedulesRoutes } from './schedules.routes.js';
import { SchedulesService } from './schedules.service.js';

definePermissions({
  'lighting.devices.read': ['supervisor', 'agent', 'technician', 'inspector', 'viewer'],
  'lighting.devices.manage': ['supervisor', 'technician'],
  'lighting.alarms.read': ['supervisor', 'agent', 'technician', 'inspector', 'viewer'],
  'lighting.detection.manage': ['supervisor'],
  'lighting.energy.read': ['supervisor', 'agent', 'technician', 'inspector', 'viewer'],
  'lighting.energy.manage': ['supervisor'],
  'lighting.inventory.read': ['supervisor', 'agent', 'technician', 'inspector', 'contractor', 'viewer'],
  'lighting.schedules.read': ['supervisor', 'agent', 'technician', 'inspector', 'viewer'],
  'lighting.schedules.manage': ['supervisor'],
  'lighting.overrides.manage': ['supervisor', 'technician'],
});
registerOsmTarget(lightingOsmTarget);

export { DEMO_CABINETS, DEMO_LUMINAIRES, demoDeviceSecret, seedLightingDemo } from './demo.js';
export { CABINET_FAULTS, type CabinetTelemetry, cabinetKind, LUMINAIRE_FAULTS, type LuminaireTelemetry, luminaireKind } from './kinds.js';
/** Schedules: the level each luminaire should be at (overrides > calendars > group schedule > night rule). */
export { expectedLevelsAt, type PlannedLevel, plannedLevelsAt } from './schedule-levels.js';
/** The simulator behind `madina simulate lighting`. */
export { prepareDemoDevices, runSimulator } from './simulator.js';

/** Registers the device kinds with the telemetry layer and the provisioning routes. */
export async function lightingModule(app: App, platform: Platform) {
  platform.telemetry.registerKind(luminaireKind);
  platform.telemetry.registerKind(cabinetKind);
  for (const provider of [streetlightProvider, cabinetProvider, groupProvider]) entityTypes(platform).register(provider);
  await devicesRoutes(app, platform);
  // Outage and anomaly detection: alarms, their work orders, and dark-lamp reports joining them.
  await alarmsRoutes(app, platform);
  registerDetection({ ...platform, expectedLevels: expectedLevelsAt, links: { publicUrl: platform.config.publicUrl } });
  onReportFiled('lighting', linkDarkLampReport);
  await energyRoutes(app, platform);
  await inventoryRoutes(app, platform);
  // Schedules: profiles, calendars, overrides, groups, and the commands they send (every minute).
  schedulesRoutes(app, new SchedulesService(platform.db));
  groupsRoutes(app, new GroupsService(platform.db));
  platform.jobs.handle(COMMAND_JOB, async (job) => {
    // A test may run the job at a chosen time.
    const at = typeof job.payload.now === 'string' ? new Date(job.payload.now) : new Date();
    await runCommands(platform.db, platform.telemetry, at, job.communeId);
  });
  platform.jobs.schedule('* * * * *', COMMAND_JOB);
}
