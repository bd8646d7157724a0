/**
 * A list this browser keeps in localStorage for the citizen (their reports, their requests and
 * the secrets of their tracking links): read once, shared by every component, kept in step
 * across tabs. Entries that fail `valid` are dropped as they are read.
 */
import { useSyncExternalStore } from 'react';

export interface KeptList<T> {
  /** The list, newest first. */
  all(): T[];
  write(list: T[]): void;
  /** The list, re-rendering when this or another tab changes it. */
  use(): T[];
}

export function keptList<T>(key: string, valid: (entry: unknown) => entry is T): KeptList<T> {
  const changed = `madina:kept:${key}`;
  let snapshot: T[] | undefined;

  const read = (): T[] => {
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(valid) : [];
    } catch {
      return [];
    }
  };
  const all = () => {
    snapshot ??= read();
    return snapshot;
  };
  const write = (list: T[]) => {
    try {
      localStorage.setItem(key, JSON.stringify(list));
    } catch {
      // Private mode or storage full: the tracking link (kept by the citizen) still works.
    }
    snapshot = list;
    window.dispatchEvent(new Event(changed));
  };
  const subscribe = (onChange: () => void) => {
    const onStorage = (event: StorageEvent) => {
      // Another tab kept or forgot an entry.
      if (event.key === key || event.key === null) {
        snapshot = read();
        onChange();
      }
    };
    window.addEventListener(changed, onChange);
    window.addEventListener('storage', onStorage);
    return () => {
      window.removeEventListener(changed, onChange);
      window.removeEventListener('storage', onStorage);
    };
  };
  const empty: T[] = [];
  return { all, write, use: () => useSyncExternalStore(subscribe, all, () => empty) };
}

/** The shape of a tracking secret, checked before anything is sent (the server checks its own). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** The secret in a tracking link's fragment (`#<token>`), if it looks like one. */
export function tokenFromHash(hash: string): string | null {
  const value = hash.replace(/^#/, '');
  return TOKEN_PATTERN.test(value) ? value : null;
}
