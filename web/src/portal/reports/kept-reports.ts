/**
 * What this browser keeps about the citizen's own reports: the secret of each tracking link
 * ("my reports"), a device id for the server's per-device limit, and the draft of a report being
 * written. The secret arrives in the URL fragment (never sent to a server, never in a query
 * string); it is stored here and sent back only in the X-Report-Token header.
 */
import { keptList, TOKEN_PATTERN, tokenFromHash } from '../../shared/kept-list';

export interface KeptReport {
  number: string;
  token: string;
  /** When this browser first kept it (ISO). */
  keptAt: string;
}

const DEVICE_KEY = 'madina.deviceId';

/** The shapes the server accepts (see TokenHeaders and NumberParams in reports.schemas.ts). */
export { TOKEN_PATTERN, tokenFromHash };
export const NUMBER_PATTERN = /^[1-9][0-9]{0,17}$/;

const kept = keptList(
  'madina.reports',
  (r): r is KeptReport =>
    typeof r === 'object' &&
    r !== null &&
    NUMBER_PATTERN.test(String((r as KeptReport).number)) &&
    TOKEN_PATTERN.test(String((r as KeptReport).token)),
);
const write = kept.write;

/** The reports this browser keeps, newest first. */
export function keptReports(): KeptReport[] {
  return kept.all();
}

export function tokenFor(number: string): string | undefined {
  return keptReports().find((r) => r.number === number)?.token;
}

/** Keeps (or replaces) the secret of a report's tracking link. */
export function keepReport(number: string, token: string): void {
  if (!NUMBER_PATTERN.test(number) || !TOKEN_PATTERN.test(token)) return;
  const others = keptReports().filter((r) => r.number !== number);
  const existing = keptReports().find((r) => r.number === number);
  if (existing?.token === token) return;
  write([{ number, token, keptAt: existing?.keptAt ?? new Date().toISOString() }, ...others]);
}

export function forgetReport(number: string): void {
  write(keptReports().filter((r) => r.number !== number));
}

/** The kept reports, re-rendering when this or another tab changes them. */
export function useKeptReports(): KeptReport[] {
  return kept.use();
}

/** A random id of `bytes` bytes, URL-safe (crypto.randomUUID needs a secure context; this does not). */
export function randomId(bytes = 16): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** This browser's id for the server's per-device submission limit (X-Device-Id), made once. */
export function deviceId(): string {
  try {
    const existing = localStorage.getItem(DEVICE_KEY);
    if (existing && /^[A-Za-z0-9_-]{8,64}$/.test(existing)) return existing;
    const made = randomId(16);
    localStorage.setItem(DEVICE_KEY, made);
    return made;
  } catch {
    return randomId(16);
  }
}

/** The tracking link of a report on this site: the secret after `#`, so it never reaches a server log. */
export function trackingLink(number: string, token: string): string {
  return `${window.location.origin}/reports/${number}#${token}`;
}
