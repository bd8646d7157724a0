import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FileStore } from '../../platform/files/store.js';
import { AppError, notFound } from '../../platform/http/errors.js';
import { attachmentTooLarge } from './attachment-check.js';
import { FIELD_LIMITS } from './procedure.js';
import type { Upload } from './requests.service.js';

const FILENAME_MAX = 200;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters (Unicode Cc) are what a file name shown back to people must lose
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;

/** A file name as kept: its last path segment, no control character, at most 200 characters. */
export function cleanFilename(name: string | undefined): string {
  const base = path.posix.basename((name ?? '').replace(/\\/g, '/'));
  const clean = [...base.replace(CONTROL, '').trim()].slice(-FILENAME_MAX).join('');
  return clean || 'attachment';
}

const fieldProblem = (name: string, key: string) =>
  new AppError('validation_failed', 400, undefined, {}, [{ pointer: `/body/${name}`, key }]);

/**
 * Reads an attachment upload (multipart/form-data: a field `documentKey` and a file `file`). The
 * file stops at the size limit (nothing more is read into memory); its content is checked later.
 */
export async function readUpload(request: FastifyRequest): Promise<Upload> {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', 415, 'problem.eservices.multipart.detail');
  let documentKey: string | undefined;
  let file: { filename: string; declaredType: string; data: Buffer } | undefined;
  for await (const part of request.parts({
    limits: { fileSize: FIELD_LIMITS.attachmentBytesMax, files: 1, fields: 2, parts: 3, fieldSize: 100 },
  })) {
    if (part.type === 'field' && part.fieldname === 'documentKey') {
      documentKey = String(part.value);
      continue;
    }
    if (part.type === 'file' && part.fieldname === 'file') {
      const data = await part.toBuffer().catch((err: { code?: string }) => {
        if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw attachmentTooLarge();
        throw err;
      });
      file = { filename: cleanFilename(part.filename), declaredType: part.mimetype, data };
      continue;
    }
    if (part.type === 'file') await part.toBuffer().catch(() => undefined);
    throw fieldProblem(part.fieldname, 'problem.field.unknown');
  }
  if (!documentKey || !/^[a-z][a-z0-9_]{0,39}$/.test(documentKey))
    throw fieldProblem('documentKey', documentKey ? 'problem.field.invalid' : 'problem.field.required');
  if (!file || file.data.length === 0) throw fieldProblem('file', 'problem.field.required');
  return { documentKey, ...file };
}

/** Sends a stored file (an attachment, a receipt, a document); a file missing from the store is "not found". */
export async function sendFile(reply: FastifyReply, files: FileStore, key: string, contentType: string, filename: string) {
  const data = await files.get(key);
  if (!data) throw notFound();
  return sendBytes(reply, data, contentType, filename);
}

export function sendBytes(reply: FastifyReply, data: Buffer, contentType: string, filename: string) {
  // RFC 6266: an ASCII fallback and the UTF-8 name.
  const ascii = filename.replace(/[^\x20-\x7E]|["\\]/g, '_');
  return reply
    .type(contentType)
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .send(data);
}
