/**
 * The citizens' portal: announcements (news the commune publishes: drafts, publication, archive)
 * and the commune's offices with their contacts and opening hours, under `/api/v1/portal`. Reading
 * what is published needs no sign-in; writing needs `portal.announcements.manage` or
 * `portal.offices.manage`.
 */
import { definePermissions } from '../../platform/auth/permissions.js';

definePermissions({
  'portal.announcements.manage': ['supervisor', 'agent'],
  'portal.offices.manage': ['supervisor'],
});

/** Used by the demo seed, inside the commune's transaction (it records its own audit entries). */
export { insertAnnouncement } from './announcements.repository.js';
/** Used by the demo seed, like `insertAnnouncement`. */
export { insertOffice, type OpeningPeriod } from './offices.repository.js';
export { portalRoutes as portalModule } from './portal.routes.js';
