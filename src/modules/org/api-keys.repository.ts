import type { Tx } from '../../platform/db/tenant.js';

const COLUMNS = ['id', 'name', 'prefix', 'permissions', 'createdBy', 'createdAt', 'lastUsedAt', 'revokedAt'] as const;

export function listApiKeys(trx: Tx) {
  return trx.selectFrom('platform.apiKey').select(COLUMNS).orderBy('createdAt', 'desc').execute();
}

export function insertApiKey(
  trx: Tx,
  k: { communeId: string; name: string; prefix: string; secretHash: Buffer; permissions: string[]; createdBy: string | null },
) {
  return trx.insertInto('platform.apiKey').values(k).returning(COLUMNS).executeTakeFirstOrThrow();
}

export function revokeApiKey(trx: Tx, id: string) {
  return trx
    .updateTable('platform.apiKey')
    .set({ revokedAt: new Date() })
    .where('id', '=', id)
    .where('revokedAt', 'is', null)
    .returning(COLUMNS)
    .executeTakeFirst();
}
