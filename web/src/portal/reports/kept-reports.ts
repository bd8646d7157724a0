/**
 * What this browser keeps about the citizen's own reports: the secret of each tracking link
 * ("my reports"), a device id for the server's per-device limit, and the draft of a report being
 * written. The secret arrives in the URL fragment (never sent to a server, never in a query
 * string); it is stored here and sent back only in the X-Report-Token header.
 */
import { useSyncExternalStore } from 'react';

export interface KeptReport {
  number: string;
  token: string;
  /** When this browser first kept it (ISO). */
  keptAt: string;
}

const REPORTS_KEY = 'madina.reports';
const DEVICE_KEY = 'madina.deviceId';
const CHANGED = 'madina:kept-reports';

/** The shapes the server accepts (see TokenHeaders and NumberParams in reports.schemas.ts). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const NUMBER_PATTERN = /^[1-9][0-9]{0,17}$/;

function read(): KeptReport[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(REPORTS_KEY) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (r): r is KeptReport =>
        typeof r === 'object' &&
        r !== null &&
        NUMBER_PATTERN.test(String((r as KeptReport).number)) &&
        TOKEN_PATTERN.test(String((r as KeptReport).token)),
    );
  } catch {
    return [];
  }
}

let snapshot: KeptReport[] | undefined;

function write(reports: KeptReport[]) {
  try {
    localStorage.setItem(REPORTS_KEY, JSON.stringify(reports));
  } catch {
    // Private mode or storage full: the link (kept by the citizen) still works.
  }
  snapshot = reports;
  window.dispatchEvent(new Event(CHANGED));
}

/** The reports this browser keeps, newest first. */
export function keptReports(): KeptReport[] {
  snapshot ??= read();
  return snapshot;
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

function subscribe(onChange: () => void) {
  const onStorage = (event: StorageEvent) => {
    // Another tab kept or forgot a report.
    if (event.key === REPORTS_KEY || event.key === null) {
      snapshot = read();
      onChange();
    }
  };
  window.addEventListener(CHANGED, onChange);
  window.addEventListener('storage', onStorage);
  return () => {
    window.removeEventListener(CHANGED, onChange);
    window.removeEventListener('storage', onStorage);
  };
}

/** The kept reports, re-rendering when this or another tab changes them. */
export function useKeptReports(): KeptReport[] {
  return useSyncExternalStore(subscribe, keptReports, () => []);
}

/** The secret in a tracking link's fragment (`#<token>`), if it looks like one. */
export function tokenFromHash(hash: string): string | null {
  const value = hash.replace(/^#/, '');
  return TOKEN_PATTERN.test(value) ? value : null;
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
