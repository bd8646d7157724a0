import fs from 'node:fs';
import { defineConfig } from 'vitest/config';

// Browser tests (test/e2e) drive Debian's Chromium; each file skips itself when it cannot run
// (see test/e2e/harness.ts). Said once here, so a skipped run is never mistaken for a pass.
if (!fs.existsSync('/usr/bin/chromium')) {
  console.log(
    '\n[madina] browser tests (test/e2e) skipped: /usr/bin/chromium not found (apt-get install chromium to run them; .ci/run does).\n',
  );
} else if (process.env.TEST_DATABASE_URL && process.env.MADINA_E2E_ON_POSTGRES !== '1') {
  console.log(
    '\n[madina] browser tests (test/e2e) skipped on the PostgreSQL pass: they run in the PGlite pass (MADINA_E2E_ON_POSTGRES=1 runs them here too).\n',
  );
}

if (!fs.existsSync('/usr/bin/ogrinfo')) {
  console.log(
    '\n[madina] GDAL client tests (src/modules/gis/gdal.test.ts) skipped: /usr/bin/ogrinfo not found (apt-get install gdal-bin to run them; .ci/run does).\n',
  );
}

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', 'test/e2e/artifacts/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // expect.poll waits for what a page or a job does next: a second (vitest's default) is too
    // short on two busy cores, and a passing poll returns as soon as it holds.
    expect: { poll: { timeout: 30_000 } },
    env: { NODE_ENV: 'test' },
  },
});
