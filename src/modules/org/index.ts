/**
 * The commune's organization: departments (a tree), staff accounts and API keys, administered
 * through `/api/v1/org`. Sign-in and sessions are the platform's (src/platform/auth).
 */

export { createApiKey } from './api-keys.service.js';
/** Used by `madina user add`: a department by its code, inside a commune's transaction. */
export { findDepartmentByCode } from './departments.repository.js';
export { orgRoutes as orgModule } from './org.routes.js';
/** Used by `madina user add`, which creates accounts outside any signed-in session. */
export { insertAccount } from './users.service.js';
