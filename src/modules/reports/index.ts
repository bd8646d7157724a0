/**
 * Citizen reports (FixMyStreet-style; Open311 GeoReport v2 service requests): categories owned
 * by departments, filing from the portal with a place or an address, duplicate check, tracking
 * by a secret link, public map and list, and the office's triage, which hands the field work to
 * work orders. Citizens' routes under `/api/v1/reports`, the office's under `/api/v1/triage`.
 */
import { definePermissions } from '../../platform/auth/permissions.js';

definePermissions({
  'reports.reports.read': ['supervisor', 'agent', 'technician', 'inspector', 'viewer'],
  'reports.reports.triage': ['supervisor', 'agent'],
  'reports.reports.moderate': ['supervisor', 'agent'],
  'reports.contacts.read': ['supervisor', 'agent'],
  'reports.categories.manage': ['supervisor'],
});

/** Used by the demo seed, inside the commune's transaction (it records its own audit entries). */
export { type Attribute, countCategories, insertCategory, listCategories } from './categories.repository.js';
/** Used by the demo seed for its demonstration reports. */
export { insertReport, insertUpdate } from './reports.repository.js';
export { reportsRoutes as reportsModule } from './reports.routes.js';
/** Other modules' reactions to a newly filed report (inside its transaction). */
export { type FiledReport, onReportFiled, type ReportFiledListener } from './reports.service.js';
