import './portal.css';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useCommune } from '../shared/commune';
import { ErrorBoundary } from '../shared/ErrorBoundary';
import { Emblem } from '../shared/Icon';
import { useLocale, useT } from '../shared/i18n';
import { LanguageSwitcher } from '../shared/LanguageSwitcher';
import { ProblemMessage } from '../shared/ProblemMessage';
import { SkipLink, useFocusOnNavigate } from '../shared/page';

/** The citizens' portal frame: identity, languages, navigation, footer with the data attribution. */
export function PortalLayout() {
  const t = useT();
  const locale = useLocale();
  const commune = useCommune();
  const { pathname } = useLocation();
  useFocusOnNavigate();
  const name = commune.data?.name;
  return (
    <div className="site">
      <SkipLink />
      <header className="site-header">
        <div className="topbar">
          <div className="container topbar-inner">
            <LanguageSwitcher />
          </div>
        </div>
        <div className="container brand-row">
          <Link to="/" className="brand">
            <Emblem />
            <span className="brand-text">
              <span className="brand-kicker">{t('common.country')}</span>
              {/* The name in both scripts, the page's own first. */}
              <span className={locale === 'fr' || locale === 'en' ? 'brand-names latin-first' : 'brand-names'}>
                {name?.ar ? (
                  <span className="brand-name" lang="ar" dir="rtl">
                    {name.ar}
                  </span>
                ) : null}
                {name?.fr || name?.en ? (
                  <span className="brand-name brand-name-latin" lang={name.fr ? 'fr' : 'en'} dir="ltr">
                    {name.fr ?? name.en}
                  </span>
                ) : null}
              </span>
              {commune.data ? (
                <span className="brand-kind">{t(`common.commune.kind.${commune.data.kind === 'rural' ? 'rural' : 'urban'}`)}</span>
              ) : null}
            </span>
          </Link>
          <nav className="site-nav" aria-label={t.text('portal.nav.label')}>
            <NavLink to="/" end>
              {t('portal.nav.home')}
            </NavLink>
            <NavLink to="/map">{t('portal.nav.map')}</NavLink>
            <NavLink to="/reports">{t('portal.nav.reports')}</NavLink>
          </nav>
        </div>
        {locale === 'zgh' ? (
          <div className="partial-notice">
            <p className="container">{t('common.i18n.partialNotice')}</p>
          </div>
        ) : null}
        {commune.data?.isDemo ? (
          <div className="demo-banner">
            <p className="container">{t('common.demo.banner')}</p>
          </div>
        ) : null}
      </header>
      <main id="main" tabIndex={-1} className="container site-main">
        {commune.isError ? <ProblemMessage error={commune.error} onRetry={() => void commune.refetch()} /> : null}
        <ErrorBoundary key={pathname}>
          <Outlet />
        </ErrorBoundary>
      </main>
      <footer className="site-footer">
        <div className="container footer-inner">
          {commune.data?.attribution ? (
            <p className="attribution">
              <span>{t('portal.footer.sources')} </span>
              <span lang="fr" dir="ltr">
                {commune.data.attribution}
              </span>
            </p>
          ) : null}
          <nav className="footer-nav" aria-label={t.text('portal.footer.navLabel')}>
            <Link to="/office">{t('portal.footer.staff')}</Link>
            <a href="/docs">{t('portal.footer.api')}</a>
          </nav>
          <p className="powered">{t('portal.footer.powered')}</p>
        </div>
      </footer>
    </div>
  );
}
