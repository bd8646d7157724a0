import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../../../../test/helpers/cli.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../../../../test/helpers/db.js';
import { berkanePoints, OsmXml } from './osm-fixtures.js';

// Each command is a fresh process (tsx, then the database): slow on a busy two-core machine.
describe('madina import osm', { timeout: 180_000 }, () => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  let env: Record<string, string>;
  let extract: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madina-osm-cli-'));
    // The points come from a database of the test's own; the command works on another.
    const scratch = await createTestDatabase();
    const { inside } = await berkanePoints(scratch.db, 3);
    if (onPostgres) {
      database = scratch;
      env = { DATA_DIR: dataDir, DATABASE_URL: database.url! };
    } else {
      await scratch.drop();
      fs.mkdirSync(path.join(dataDir, 'pg'));
      execFileSync('tar', ['-xzf', inject('pgliteTemplate'), '-C', path.join(dataDir, 'pg')], { stdio: 'ignore' });
      env = { DATA_DIR: dataDir };
    }
    const osm = new OsmXml();
    const street = [osm.node(inside[0]!), osm.node(inside[1]!)];
    osm.way(street, { highway: 'tertiary', 'name:ar': 'شارع الحسن الثاني', 'name:fr': 'Avenue Hassan II' });
    osm.node(inside[2]!, { highway: 'street_lamp', ref: 'EP-CLI-1' });
    extract = path.join(dataDir, 'berkane.osm');
    fs.writeFileSync(extract, osm.toString());
  }, 120_000);

  afterAll(async () => {
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a file that is not an extract in one line, and an unknown commune', async () => {
    const bad = path.join(dataDir, 'bad.osm');
    fs.writeFileSync(bad, '<?xml version="1.0"?>\n<!DOCTYPE osm [<!ENTITY a "a">]>\n<osm version="0.6"/>');
    const r = await runCli(['import', 'osm', '--commune', 'berkane', bad], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('error: XML files with a DOCTYPE are refused (they can hide dangerous entities). Nothing was imported.');
    const unknown = await runCli(['import', 'osm', '--commune', 'nowhere', extract], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown commune "nowhere"');
  });

  it('imports an extract and prints what it wrote per layer; the same again updates the same features', async () => {
    for (let round = 0; round < 2; round++) {
      const r = await runCli(['import', 'osm', '--commune', 'berkane', extract], { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('read 3 nodes, 1 ways, 0 relations');
      expect(r.stdout).toMatch(/^osm_streets\s+1$/m);
      expect(r.stdout).toMatch(/^lighting\.luminaire\s+1$/m);
      expect(r.stdout).toMatch(/^osm_buildings\s+0$/m);
    }
  });
});
