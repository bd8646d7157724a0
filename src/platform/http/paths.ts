import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the route that serves the front end's files: it needs neither a commune nor the database. */
    frontEnd?: boolean;
  }
}

/**
 * The top-level paths the server answers itself: its own API, the open standards, the API
 * description and operations. Every other path belongs to the front end (web/dist), whose router
 * shows its own pages, including its localized "not found". A module that serves a new top-level
 * path adds it here. (`/verify/{code}`, where an issued document's QR code leads, is a page of the
 * front end: its data comes from /api/v1/eservices/verify/{code}.)
 */
export const SERVER_PREFIXES = [
  'api',
  'open311',
  'ogc',
  'tiles',
  'ngsi-ld',
  'gtfs',
  'docs',
  'openapi.json',
  'health',
  'ready',
  'metrics',
] as const;

const SERVER_PATH = new RegExp(`^/(${SERVER_PREFIXES.map((p) => p.replace(/[.-]/g, (c) => `\\${c}`)).join('|')})(/|$|\\?)`, 'i');

/** True for a (decoded) path the server answers itself; false for a front-end page or file. */
export function isServerPath(pathname: string): boolean {
  return SERVER_PATH.test(pathname);
}

/**
 * True when the request was routed to the front end's files. Decided by the matched route, not by
 * the raw URL: the router decodes `%61pi` to `api`, so a URL test could be fooled.
 */
export function servesFrontEnd(request: FastifyRequest): boolean {
  return request.routeOptions.config?.frontEnd === true;
}
