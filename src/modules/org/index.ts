/**
 * The commune's organization: departments (a tree), staff accounts and API keys, administered
 * through `/api/v1/org`. Sign-in and sessions are the platform's (src/platform/auth).
 */

export { createApiKey } from './api-keys.service.js';
export { orgRoutes as orgModule } from './org.routes.js';
