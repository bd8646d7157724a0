import { useEffect, useRef } from 'react';
import { Link, useLocation } from 'react-router';
import { useCommune } from './commune';
import { useMultilingual, useT } from './i18n';

/** Sets document.title to "<page> · <commune> · Madina" in the current language. */
export function useDocumentTitle(title: string | null) {
  const t = useT();
  const ml = useMultilingual();
  const commune = useCommune();
  useEffect(() => {
    const parts = [title, ml.text(commune.data?.name), t.text('common.appName')].filter(Boolean);
    document.title = parts.join(' · ');
  }, [title, ml, commune.data, t]);
}

/**
 * After a client-side navigation, moves focus to the new page's heading so screen readers announce
 * it (the first load keeps the browser's default focus).
 */
export function useFocusOnNavigate() {
  const { pathname } = useLocation();
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each navigation (pathname is the trigger) to move focus to the new heading
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading) {
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: false });
    }
  }, [pathname]);
}

export function SkipLink() {
  const t = useT();
  return (
    // biome-ignore lint/a11y/useValidAnchor: a skip link is a link to #main (it works without script); the handler only makes sure focus follows
    <a
      className="skip-link"
      href="#main"
      onClick={(event) => {
        // Focus the main landmark itself (a fragment link alone leaves focus behind in some browsers).
        const main = document.getElementById('main');
        if (!main) return;
        event.preventDefault();
        main.focus();
        main.scrollIntoView();
      }}
    >
      {t('common.skipToContent')}
    </a>
  );
}

export function PageLoading() {
  const t = useT();
  return (
    <div className="page-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{t('common.loading')}</span>
    </div>
  );
}

export function NotFoundPage({ home = '/' }: { home?: string }) {
  const t = useT();
  useDocumentTitle(t.text('common.notFound.title'));
  return (
    <section className="not-found" aria-labelledby="not-found-title">
      <p className="not-found-code" aria-hidden="true">
        404
      </p>
      <h1 id="not-found-title">{t('common.notFound.title')}</h1>
      <p>{t('common.notFound.detail')}</p>
      <p>
        <Link className="button" to={home}>
          {t('common.notFound.home')}
        </Link>
      </p>
    </section>
  );
}
