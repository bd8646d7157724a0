/**
 * Public lighting, first part: the inventory of control cabinets and luminaires (tables
 * lighting.cabinet and lighting.luminaire), the telemetry of their controllers over MQTT — the
 * device kinds `luminaire` and `cabinet`, registered with the platform's telemetry layer — and
 * the provisioning of those controllers under `/api/v1/lighting/devices`. Schedules, outage
 * detection, energy and NGSI-LD build on these tables.
 */
import { definePermissions } from '../../platform/auth/permissions.js';
import type { App, Platform } from '../../platform/platform.js';
import { devicesRoutes } from './devices.routes.js';
import { cabinetKind, luminaireKind } from './kinds.js';

definePermissions({
  'lighting.devices.read': ['supervisor', 'agent', 'technician', 'inspector', 'viewer'],
  'lighting.devices.manage': ['supervisor', 'technician'],
});

export { DEMO_CABINETS, DEMO_LUMINAIRES, demoDeviceSecret, seedLightingDemo } from './demo.js';
export { CABINET_FAULTS, type CabinetTelemetry, cabinetKind, LUMINAIRE_FAULTS, type LuminaireTelemetry, luminaireKind } from './kinds.js';
/** The simulator behind `madina simulate lighting`. */
export { prepareDemoDevices, runSimulator } from './simulator.js';

/** Registers the device kinds with the telemetry layer and the provisioning routes. */
export async function lightingModule(app: App, platform: Platform) {
  platform.telemetry.registerKind(luminaireKind);
  platform.telemetry.registerKind(cabinetKind);
  await devicesRoutes(app, platform);
}
