/**
 * NGSI-LD media types and @context rules (ETSI GS CIM 009, 6.3): responses in application/json
 * (the @context in a Link header), application/ld+json (the @context in the body) or, for entity
 * queries, application/geo+json; request bodies in application/json (optionally with a Link
 * header, never an @context member) or application/ld+json (an @context member, no Link header).
 */
import type { FastifyRequest } from 'fastify';
import { badRequest, NgsiError } from './errors.js';

export type ResponseType = 'application/json' | 'application/ld+json' | 'application/geo+json';

const JSONLD_CONTEXT_REL = 'http://www.w3.org/ns/json-ld#context';

/** The Link header that carries a JSON-LD @context with a JSON body. */
export function linkHeader(context: string): string {
  return `<${context}>; rel="${JSONLD_CONTEXT_REL}"; type="application/ld+json"`;
}

/** Picks the response type from Accept (quality values honoured); 406 NotAcceptable when none fits. */
export function negotiate(request: FastifyRequest, allowed: readonly ResponseType[]): ResponseType {
  const accept = request.headers.accept;
  if (!accept) return 'application/json';
  const ranges = accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { type: type.trim(), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => r.q > 0 && !Number.isNaN(r.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    if (range.type === '*/*' || range.type === 'application/*') return 'application/json';
    const found = allowed.find((t) => t === range.type);
    if (found) return found;
  }
  throw new NgsiError('NotAcceptable', `none of ${allowed.join(', ')} is acceptable`);
}

/** The JSON body's @context rules; returns the body without its @context. */
export function checkBodyContext(request: FastifyRequest): Record<string, unknown> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'application/ld+json') {
    throw new NgsiError('UnsupportedMediaType', 'send application/json or application/ld+json');
  }
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body must be a JSON object');
  const { '@context': context, ...rest } = body as Record<string, unknown>;
  if (type === 'application/ld+json') {
    if (request.headers.link) throw badRequest('an application/ld+json body carries its @context: no Link header');
    if (context === undefined) throw badRequest('an application/ld+json body needs an @context');
  } else if (context !== undefined) {
    throw badRequest('an application/json body may not carry an @context (send it in a Link header, or use application/ld+json)');
  }
  return rest;
}
