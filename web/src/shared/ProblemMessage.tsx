import { ConnectionError, ProblemError } from '../api/client';
import { Fallback, isLocale, useLocale, useT } from './i18n';

/** Any failure shown as a readable, localized message; connection failures and 5xx offer a retry. */
export function ProblemMessage({ error, onRetry, compact = false }: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const retry = onRetry ? (
    // A plain button: the portal's pages load without react-aria.
    <button type="button" className="button button-secondary" onClick={onRetry}>
      {t('common.action.retry')}
    </button>
  ) : null;
  if (error instanceof ProblemError) {
    const { title, detail, requestId } = error.problem;
    // The server falls back too (its Tamazight catalog is young): tag and mark what it sent.
    const language = error.language?.split('-')[0];
    const inOtherLanguage = isLocale(language) && language !== locale ? language : null;
    const text = (value: string) =>
      inOtherLanguage ? (
        <Fallback locale={locale} shownIn={inOtherLanguage}>
          {value}
        </Fallback>
      ) : (
        value
      );
    return (
      <div className={compact ? 'notice notice-error notice-compact' : 'notice notice-error'} role="alert">
        <p className="notice-title">{text(title)}</p>
        {detail ? <p>{text(detail)}</p> : null}
        {error.status >= 500 && requestId ? <p className="notice-meta">{t('common.error.requestId', { id: requestId })}</p> : null}
        {error.status >= 500 || error.status === 429 ? retry : null}
      </div>
    );
  }
  if (error instanceof ConnectionError || isChunkLoadError(error)) {
    return (
      <div className="notice notice-error" role="alert">
        <p className="notice-title">{t('common.error.offline.title')}</p>
        <p>{t('common.error.offline.detail')}</p>
        {retry}
      </div>
    );
  }
  return (
    <div className="notice notice-error" role="alert">
      <p className="notice-title">{t('common.error.unexpected.title')}</p>
      <p>{t('common.error.unexpected.detail')}</p>
      {retry}
    </div>
  );
}

/**
 * A lazy chunk that failed to download (offline while navigating): the browser's TypeError for the
 * module, or Vite's Error for the chunk's stylesheet. Offline, any failure is most likely that.
 */
export function isChunkLoadError(error: unknown): boolean {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return true;
  return (
    error instanceof Error &&
    /dynamically imported module|Importing a module script failed|error loading dynamically|Failed to fetch|Unable to preload CSS/i.test(
      error.message,
    )
  );
}
