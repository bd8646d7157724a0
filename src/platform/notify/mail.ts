import path from 'node:path';
import nodemailer from 'nodemailer';
import { writeAtomically, writeOutboxEntry } from './outbox.js';

export interface MailMessage {
  /** The commune the message is sent for (the office shows a commune only its own). */
  communeId?: string | null;
  to: string;
  subject: string;
  text: string;
  /** BCP 47 language of the message, e.g. `ar` (sets Content-Language; RTL is the reader's job). */
  language: string;
}

export interface Mailer {
  send(message: MailMessage, idempotencyKey: string): Promise<void>;
}

/**
 * Sends mail through SMTP when `smtpUrl` is set; otherwise writes each message as an .eml file in
 * `<dataDir>/mail`, where the office (and an operator) can read it. The file name is the caller's
 * idempotency key, so a retried job does not write a second copy.
 */
export function createMailer(options: { smtpUrl?: string; dataDir: string; from: string }): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(message) {
        await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          headers: { 'Content-Language': message.language },
        });
      },
    };
  }
  const dir = path.join(options.dataDir, 'mail');
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message, idempotencyKey) {
      const built = await builder.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        headers: { 'Content-Language': message.language },
      });
      await writeAtomically(dir, idempotencyKey, '.eml', built.message as Buffer);
      const { to, subject, text, language } = message;
      await writeOutboxEntry(
        options.dataDir,
        { channel: 'mail', communeId: message.communeId ?? null, to, subject, text, language },
        idempotencyKey,
      );
    },
  };
}
