/**
 * What the server writes into index.html for the first render (src/platform/http/web.ts): the
 * commune this host serves, exactly as GET /api/v1/communes/current answers it, and whether the
 * request carried a session cookie. Read once, before React renders, so the header, the title and
 * the language are right from the first paint instead of shifting when a fetch returns.
 */
import type { Commune } from './commune';

function readJson(id: string): unknown {
  const element = typeof document === 'undefined' ? null : document.getElementById(id);
  if (!element?.textContent) return undefined;
  try {
    return JSON.parse(element.textContent);
  } catch {
    return undefined;
  }
}

function isCommune(value: unknown): value is Commune {
  const c = value as Commune | null;
  return typeof c === 'object' && c !== null && typeof c.code === 'string' && typeof c.name === 'object' && c.name !== null;
}

const commune = readJson('madina-commune');
const session = readJson('madina-session') as { cookie?: unknown } | undefined;

/** The commune the server sent with the page, if it did (else the web app fetches it). */
export const bootCommune: Commune | undefined = isCommune(commune) ? commune : undefined;

/**
 * True when the server saw no session cookie with the page request: nobody is signed in, so the
 * office can show its sign-in form at once instead of asking /api/v1/me (a certain 401).
 */
export const bootSignedOut: boolean = session?.cookie === false;
