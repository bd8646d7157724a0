/**
 * The outbox (`GET /api/v1/outbox`): without SMTP_URL or SMS_URL, the mail and SMS the platform
 * sends (report confirmations and updates, password notices) are written under DATA_DIR, and the
 * office reads them here, each commune its own. Admins only: the messages hold citizens' addresses.
 */
import { Type } from 'typebox';
import { definePermissions } from '../../platform/auth/permissions.js';
import { authorize } from '../../platform/auth/principal.js';
import { Nullable, PageMeta, PageQuery, page, problemResponses, Strict, Timestamp } from '../../platform/http/schemas.js';
import { listOutbox } from '../../platform/notify/outbox.js';
import type { App, Platform } from '../../platform/platform.js';

definePermissions({ 'platform.outbox.read': [] });

const Channel = Type.Unsafe<'mail' | 'sms'>({ type: 'string', enum: ['mail', 'sms'] });

export const OutboxEntryResponse = Type.Object({
  id: Type.String(),
  channel: Channel,
  to: Type.String(),
  subject: Nullable(Type.String()),
  text: Type.String(),
  language: Nullable(Type.String()),
  at: Timestamp,
});

export async function outboxRoutes(app: App, { config }: Platform) {
  app.get(
    '/api/v1/outbox',
    {
      schema: {
        tags: ['outbox'],
        summary: 'Mail and SMS written to the data folder (no SMTP or SMS gateway configured), newest first',
        querystring: Strict({ ...PageQuery, channel: Type.Optional(Channel) }),
        response: {
          200: Type.Object({
            items: Type.Array(OutboxEntryResponse),
            gateway: Type.Object({ mail: Type.Boolean(), sms: Type.Boolean() }),
            page: PageMeta,
          }),
          ...problemResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      authorize(request.principal, 'platform.outbox.read');
      const { limit, offset } = page(request.query);
      const { rows, total } = await listOutbox(config.dataDir, request.commune.id, { limit, offset, channel: request.query.channel });
      return {
        items: rows.map(({ communeId: _, ...entry }) => entry),
        gateway: { mail: Boolean(config.smtpUrl), sms: Boolean(config.smsUrl) },
        page: { total, limit, offset },
      };
    },
  );
}
