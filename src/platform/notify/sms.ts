import path from 'node:path';
import { writeAtomically, writeOutboxEntry } from './outbox.js';

export interface SmsMessage {
  communeId?: string | null;
  /** E.164 or national number as the citizen gave it. */
  to: string;
  text: string;
}

export interface SmsGateway {
  send(message: SmsMessage, idempotencyKey: string): Promise<void>;
}

/**
 * Sends SMS through an HTTP gateway when `smsUrl` is set (a JSON POST `{to, text}` with the
 * idempotency key in `Idempotency-Key`; any 2xx is success); otherwise writes each message as a
 * text file in `<dataDir>/sms`, named by the idempotency key, for the office and operators to read.
 */
export function createSmsGateway(options: { smsUrl?: string; dataDir: string }): SmsGateway {
  const { smsUrl } = options;
  if (smsUrl) {
    return {
      async send(message, idempotencyKey) {
        const response = await fetch(smsUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
          body: JSON.stringify({ to: message.to, text: message.text }),
          signal: AbortSignal.timeout(10_000),
        });
        if (!response.ok) throw new Error(`SMS gateway answered ${response.status}`);
      },
    };
  }
  const dir = path.join(options.dataDir, 'sms');
  return {
    async send(message, idempotencyKey) {
      await writeAtomically(dir, idempotencyKey, '.txt', `To: ${message.to}\n\n${message.text}\n`);
      const entry = {
        channel: 'sms' as const,
        communeId: message.communeId ?? null,
        to: message.to,
        subject: null,
        text: message.text,
        language: null,
      };
      await writeOutboxEntry(options.dataDir, entry, idempotencyKey);
    },
  };
}
