/**
 * The report being written, kept in sessionStorage as it is typed: a phone that reloads the tab
 * (after opening the camera, when memory runs low) gives the citizen their text back. Photos
 * (files) cannot be kept there: they stay in memory (`pendingPhotos`) until sent.
 */
import type { RawAnswers } from './validate';

export type PlaceMode = 'map' | 'address';

export interface Draft {
  category: string | null;
  mode: PlaceMode;
  location: { lat: number; lon: number } | null;
  address: string;
  districtId: string;
  description: string;
  answers: RawAnswers;
  contact: { name: string; email: string; phone: string };
  /** The last submission sent: its body and Idempotency-Key, reused when the same body is sent again. */
  attempt: { key: string; body: string } | null;
}

export const EMPTY_DRAFT: Draft = {
  category: null,
  mode: 'map',
  location: null,
  address: '',
  districtId: '',
  description: '',
  answers: {},
  contact: { name: '', email: '', phone: '' },
  attempt: null,
};

const KEY = 'madina.reportDraft';

export function loadDraft(): Draft {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Partial<Draft> | null;
    if (!stored || typeof stored !== 'object') return EMPTY_DRAFT;
    return { ...EMPTY_DRAFT, ...stored, contact: { ...EMPTY_DRAFT.contact, ...stored.contact } };
  } catch {
    return EMPTY_DRAFT;
  }
}

export function saveDraft(draft: Draft): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(draft));
  } catch {
    // Storage off: the draft lives as long as the page.
  }
}

export function clearDraft(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {}
}

/** Photos chosen for a report not yet sent, or sent but not uploaded yet (by report number). */
let chosen: File[] = [];
const toUpload = new Map<string, File[]>();

export const pendingPhotos = {
  chosen: () => chosen,
  setChosen(files: File[]) {
    chosen = files;
  },
  /** After the report is created: its photos wait here for the confirmation page to send them. */
  handOver(number: string) {
    if (chosen.length > 0) toUpload.set(number, chosen);
    chosen = [];
  },
  forReport: (number: string) => toUpload.get(number) ?? [],
  done(number: string, file: File) {
    const left = (toUpload.get(number) ?? []).filter((f) => f !== file);
    if (left.length > 0) toUpload.set(number, left);
    else toUpload.delete(number);
  },
};
