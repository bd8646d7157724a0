import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { findCommuneByCode } from '../communes/communes.repository.js';
import { createCommuneFromArea } from '../communes/communes.service.js';
import { withCommune, withoutCommune } from './tenant.js';

const cli = { type: 'cli', id: null, label: 'test' } as const;

describe('row-level security', () => {
  let t: TestDatabase;
  let berkane: string;
  let saidia: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    berkane = (await findCommuneByCode(t.db.kysely, 'berkane'))!.id;
    saidia = (await createCommuneFromArea(t.db, 'saidia', { hosts: ['saidia.localhost'] }, cli))!;
  });
  afterAll(() => t.drop());

  it('shows a query without a commune no tenant rows at all', async () => {
    const counts = await withoutCommune(t.db, async (trx) => ({
      users: await trx.selectFrom('platform.userAccount').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      departments: await trx.selectFrom('platform.department').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      audit: await trx.selectFrom('platform.auditEvent').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    }));
    expect(counts).toEqual({ users: { n: 0 }, departments: { n: 0 }, audit: { n: 0 } });
  });

  it("shows a second commune none of Berkane's rows", async () => {
    const inBerkane = await withCommune(t.db, berkane, (trx) => trx.selectFrom('platform.userAccount').select('email').execute());
    expect(inBerkane.length).toBe(7);
    const inSaidia = await withCommune(t.db, saidia, (trx) =>
      Promise.all([
        trx.selectFrom('platform.userAccount').selectAll().execute(),
        trx.selectFrom('platform.department').selectAll().execute(),
        trx.selectFrom('platform.auditEvent').select(['action', 'communeId']).execute(),
      ]),
    );
    expect(inSaidia[0]).toEqual([]);
    expect(inSaidia[1]).toEqual([]);
    // Saidia's own audit log holds only its creation.
    expect(inSaidia[2]).toEqual([{ action: 'platform.commune.create', communeId: saidia }]);
  });

  it('refuses to write a row for another commune', async () => {
    await expect(
      withCommune(t.db, saidia, (trx) =>
        trx
          .insertInto('platform.department')
          .values({ communeId: berkane, id: crypto.randomUUID(), code: 'intrus', name: '{"fr":"Intrus"}', parentId: null, path: '/x/' })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    const found = await withCommune(t.db, berkane, (trx) =>
      trx.selectFrom('platform.department').select('code').where('code', '=', 'intrus').execute(),
    );
    expect(found).toEqual([]);
  });

  it("cannot update or delete another commune's rows", async () => {
    const updated = await withCommune(t.db, saidia, (trx) =>
      trx.updateTable('platform.userAccount').set({ displayName: 'pwned' }).executeTakeFirst(),
    );
    const deleted = await withCommune(t.db, saidia, (trx) => trx.deleteFrom('platform.session').executeTakeFirst());
    expect(Number(updated.numUpdatedRows)).toBe(0);
    expect(Number(deleted.numDeletedRows)).toBe(0);
  });

  it('keeps the audit log append-only, even for the table owner', async () => {
    const before = await withCommune(t.db, berkane, (trx) =>
      trx.selectFrom('platform.auditEvent').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    );
    expect(before.n).toBeGreaterThan(0);
    await expect(sql`UPDATE platform.audit_event SET action = 'forged'`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM platform.audit_event`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
    await expect(sql`TRUNCATE platform.audit_event`.execute(t.db.kysely)).rejects.toThrow(/append-only/);
    await expect(withCommune(t.db, berkane, (trx) => sql`UPDATE platform.audit_event SET action = 'forged'`.execute(trx))).rejects.toThrow(
      /permission denied|append-only/,
    );
    const after = await withCommune(t.db, berkane, (trx) =>
      trx.selectFrom('platform.auditEvent').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    );
    expect(after.n).toBe(before.n);
  });
});
