/**
 * What this browser keeps about the citizen's own requests (e-services): the number and the
 * tracking secret of each ("my requests"), and whether it is still a draft (so the form of its
 * procedure resumes it). The secret arrives in the tracking link's fragment (never sent to a
 * server in a URL) and travels only in the X-Tracking-Token header.
 */
import { keptList, TOKEN_PATTERN, tokenFromHash } from '../../shared/kept-list';

export interface KeptRequest {
  number: string;
  token: string;
  /** The procedure's code (to resume its draft from the form). */
  procedure: string;
  /** Still a draft on the server when last seen from this browser. */
  draft: boolean;
  /** When this browser first kept it (ISO). */
  keptAt: string;
}

/** Shapes accepted before anything is sent (the server checks its own). */
export { TOKEN_PATTERN, tokenFromHash };
/** ES-2026-000123 (NumberPattern in requests.schemas.ts). */
export const REQUEST_NUMBER_PATTERN = /^ES-[0-9]{4}-[0-9]{6,9}$/;
/** A procedure's code (ProcedureCode in catalog.schemas.ts). */
export const PROCEDURE_CODE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function valid(r: unknown): r is KeptRequest {
  const k = r as KeptRequest;
  return (
    typeof r === 'object' &&
    r !== null &&
    REQUEST_NUMBER_PATTERN.test(String(k.number)) &&
    TOKEN_PATTERN.test(String(k.token)) &&
    PROCEDURE_CODE_PATTERN.test(String(k.procedure)) &&
    typeof k.draft === 'boolean'
  );
}

const kept = keptList('madina.eservices.requests', valid);
const write = kept.write;

/** The requests this browser keeps, newest first. */
export function keptRequests(): KeptRequest[] {
  return kept.all();
}

export function keptRequest(number: string): KeptRequest | undefined {
  return keptRequests().find((r) => r.number === number);
}

/** The draft this browser has for a procedure, if any. */
export function keptDraft(procedure: string): KeptRequest | undefined {
  return keptRequests().find((r) => r.procedure === procedure && r.draft);
}

/** Keeps (or updates) a request's secret; `draft` says whether it is still being written. */
export function keepRequest(entry: Omit<KeptRequest, 'keptAt'>): void {
  if (!valid(entry)) return;
  const existing = keptRequest(entry.number);
  if (existing && existing.token === entry.token && existing.draft === entry.draft && existing.procedure === entry.procedure) return;
  const others = keptRequests().filter((r) => r.number !== entry.number);
  write([{ ...entry, keptAt: existing?.keptAt ?? new Date().toISOString() }, ...others]);
}

/** Marks a kept request as no longer a draft (it was submitted, here or elsewhere). */
export function markSubmitted(number: string): void {
  const existing = keptRequest(number);
  if (existing?.draft) keepRequest({ ...existing, draft: false });
}

export function forgetRequest(number: string): void {
  write(keptRequests().filter((r) => r.number !== number));
}

export function useKeptRequests(): KeptRequest[] {
  return kept.use();
}

/** The tracking link of a request on this site: the secret after `#`, never in a server log. */
export function requestLink(number: string, token: string): string {
  return `${window.location.origin}/services/requests/${encodeURIComponent(number)}#${token}`;
}
