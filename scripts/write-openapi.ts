// Writes openapi.json from the routes' schemas (`npm run openapi`). CI fails when it is stale.
import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openPostgres } from '../src/platform/db/database.js';

export const OPENAPI_FILE = path.resolve(import.meta.dirname, '../openapi.json');

export function serialize(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  // Describing the routes needs no database: the pool never connects.
  const db = openPostgres('postgresql://localhost/unused', 1);
  const { app } = await buildApp(loadConfig({ NODE_ENV: 'test' }), db);
  await app.ready();
  fs.writeFileSync(OPENAPI_FILE, serialize(app.swagger()));
  await app.close();
  await db.close();
  console.log(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}`);
}
