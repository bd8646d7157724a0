import { randomUUID } from 'node:crypto';
import type {} from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, notFound } from '../http/errors.js';
import { LIMITS } from '../limits.js';
import { imageTooLarge, type ProcessedImage, processImage } from './images.js';
import type { FileStore } from './store.js';

export interface StoredImage {
  fileKey: string;
  thumbKey: string;
  width: number;
  height: number;
  bytes: number;
}

export const tooManyPhotos = (max: number) => new AppError('too_many_photos', 422, 'problem.photos.too_many.detail', { max });

/**
 * Reads the photos of a multipart/form-data request (file fields named `photo`; nothing else is
 * accepted), checks and re-encodes every one (content, not name; no EXIF), and only when all are
 * good stores them: a bad photo among good ones stores none. At most `max` photos.
 */
export async function receivePhotos(request: FastifyRequest, files: FileStore, communeId: string, max: number): Promise<StoredImage[]> {
  if (!request.isMultipart()) throw new AppError('unsupported_media_type', 415, 'problem.unsupported_media_type.detail');
  const processed = [];
  for await (const part of request.parts({ limits: { fileSize: LIMITS.photoBytesMax, files: max + 1, fields: 10, parts: max + 11 } })) {
    if (part.type !== 'file' || part.fieldname !== 'photo') {
      throw new AppError('validation_failed', 400, undefined, {}, [{ pointer: `/body/${part.fieldname}`, key: 'problem.field.unknown' }]);
    }
    if (processed.length === max) throw tooManyPhotos(max);
    const input = await part.toBuffer().catch((err: { code?: string }) => {
      // The stream stops at the limit: the rest of an oversized file is never read into memory.
      if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw imageTooLarge(LIMITS.photoBytesMax);
      throw err;
    });
    processed.push(await processImage(input, { maxBytes: LIMITS.photoBytesMax }));
  }
  if (processed.length === 0) {
    throw new AppError('validation_failed', 400, undefined, {}, [{ pointer: '/body/photo', key: 'problem.field.required' }]);
  }
  return storeImages(files, communeId, processed);
}

/** Stores checked images (full size and thumbnail) under the commune's keys; on a failure, none stays. */
export async function storeImages(files: FileStore, communeId: string, images: readonly ProcessedImage[]): Promise<StoredImage[]> {
  const stored: StoredImage[] = [];
  try {
    for (const image of images) {
      const id = randomUUID();
      const entry = {
        fileKey: `${communeId}/${id}.jpg`,
        thumbKey: `${communeId}/${id}.thumb.jpg`,
        width: image.width,
        height: image.height,
        bytes: image.full.length,
      };
      await files.put(entry.fileKey, image.full, 'image/jpeg');
      await files.put(entry.thumbKey, image.thumb, 'image/jpeg');
      stored.push(entry);
    }
  } catch (err) {
    await discardPhotos(files, stored);
    throw err;
  }
  return stored;
}

/** Removes stored photos whose database rows were not written (the change that needed them failed). */
export async function discardPhotos(files: FileStore, stored: StoredImage[]) {
  for (const s of stored) {
    await files.remove(s.fileKey).catch(() => undefined);
    await files.remove(s.thumbKey).catch(() => undefined);
  }
}

/** Sends a stored photo (full size, or its thumbnail) as JPEG; a file missing from the store is "not found". */
export async function sendPhoto(
  reply: FastifyReply,
  files: FileStore,
  photo: Pick<StoredImage, 'fileKey' | 'thumbKey'>,
  size: 'full' | 'thumb' | undefined,
  cacheControl: string,
) {
  const data = await files.get(size === 'thumb' ? photo.thumbKey : photo.fileKey);
  if (!data) throw notFound();
  return reply.type('image/jpeg').header('cache-control', cacheControl).send(data);
}
