import './office.css';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, Suspense, useEffect, useMemo } from 'react';
import { Button, RouterProvider } from 'react-aria-components';
import { Link, NavLink, useHref, useLocation, useNavigate } from 'react-router';
import { ProblemError } from '../api/client';
import { useCommune } from '../shared/commune';
import { ErrorBoundary } from '../shared/ErrorBoundary';
import { Emblem, Icon } from '../shared/Icon';
import { useLocale, useMultilingual, useT } from '../shared/i18n';
import { LanguageSwitcher } from '../shared/LanguageSwitcher';
import { lazyRetry } from '../shared/lazy';
import { ProblemMessage } from '../shared/ProblemMessage';
import { PageLoading, SkipLink, useFocusOnNavigate } from '../shared/page';
import { loadOfficeRoutes } from './load-routes';
import { SignInPage } from './SignInPage';
import { OFFICE_TOOLS, SessionContext, useMe, useSession, useSignOut } from './session';

const OfficeRoutes = lazyRetry(async () => ({ default: (await loadOfficeRoutes()).OfficeRoutes }));

/** The staff office at /office: sign-in, then the tools the user's permissions allow. */
export function OfficeApp() {
  return (
    <AriaRouter>
      <Office />
    </AriaRouter>
  );
}

/** react-aria links navigate through the router (no full page loads). */
function AriaRouter({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  return (
    <RouterProvider navigate={(to) => navigate(to)} useHref={useHref}>
      {children}
    </RouterProvider>
  );
}

function Office() {
  const me = useMe();
  useSessionExpiry();
  const session = useMemo(
    () => (me.data ? { me: me.data, can: (p: string) => me.data?.permissions.includes(p) ?? false } : null),
    [me.data],
  );
  if (me.isPending) return <PageLoading />;
  if (me.isError) {
    return (
      <OfficeFrame>
        <ProblemMessage error={me.error} onRetry={() => void me.refetch()} />
      </OfficeFrame>
    );
  }
  if (!session) {
    return (
      <OfficeFrame>
        <SignInPage />
      </OfficeFrame>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <OfficeFrame signedIn>
        <Suspense fallback={<PageLoading />}>
          <OfficeRoutes />
        </Suspense>
      </OfficeFrame>
    </SessionContext.Provider>
  );
}

/** A 401 on any office request means the session ended (expired, signed out elsewhere): ask who we are again. */
function useSessionExpiry() {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (event.type !== 'updated' || event.action.type !== 'error') return;
        const error = event.action.error;
        if (event.query.queryKey[0] !== 'me' && error instanceof ProblemError && error.status === 401) {
          void queryClient.invalidateQueries({ queryKey: ['me'] });
        }
      }),
    [queryClient],
  );
}

function OfficeFrame({ children, signedIn = false }: { children: React.ReactNode; signedIn?: boolean }) {
  const t = useT();
  const locale = useLocale();
  const ml = useMultilingual();
  const commune = useCommune();
  const { pathname } = useLocation();
  useFocusOnNavigate();
  return (
    <div className="site office">
      <SkipLink />
      <header className="office-header">
        <div className="topbar">
          <div className="container topbar-inner">
            <LanguageSwitcher />
          </div>
        </div>
        <div className="container office-brand-row">
          <Link to="/office" className="office-brand">
            <Emblem size={36} />
            <span className="office-brand-text">
              <span className="office-brand-name">{t('office.brand')}</span>
              <span className="office-brand-commune">{ml(commune.data?.name)}</span>
            </span>
          </Link>
          {signedIn ? <UserBox /> : null}
        </div>
        {signedIn ? <OfficeNav /> : null}
        {locale === 'zgh' ? (
          <div className="partial-notice">
            <p className="container">{t('common.i18n.partialNotice')}</p>
          </div>
        ) : null}
      </header>
      <main id="main" tabIndex={-1} className="container site-main">
        <ErrorBoundary key={pathname}>{children}</ErrorBoundary>
      </main>
      <footer className="site-footer">
        <div className="container footer-inner">
          <nav className="footer-nav" aria-label={t.text('office.footer.navLabel')}>
            <Link to="/">{t('office.footer.portal')}</Link>
          </nav>
        </div>
      </footer>
    </div>
  );
}

function UserBox() {
  const t = useT();
  const { me } = useSession();
  const signOut = useSignOut();
  return (
    <div className="user-box">
      <span className="user-name">
        <span className="user-display">{me.user.displayName}</span>
        <span className="user-role">{t(`office.role.${me.user.role}`)}</span>
      </span>
      <Button className="button button-secondary button-small" onPress={() => signOut.mutate()} isPending={signOut.isPending}>
        <Icon name="signout" size={20} flip />
        {t('office.signout')}
      </Button>
    </div>
  );
}

function OfficeNav() {
  const t = useT();
  const { can } = useSession();
  return (
    <nav className="office-nav" aria-label={t.text('office.nav.label')}>
      <ul className="container">
        <li>
          <NavLink to="/office" end>
            <Icon name="home" size={20} />
            {t('office.nav.home')}
          </NavLink>
        </li>
        {OFFICE_TOOLS.filter((tool) => can(tool.permission)).map((tool) => (
          <li key={tool.path}>
            <NavLink to={tool.path}>
              <Icon name={tool.icon} size={20} />
              {t(`office.nav.${tool.key}`)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
