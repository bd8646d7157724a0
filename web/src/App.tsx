import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, Suspense, useCallback, useMemo, useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ConnectionError } from './api/client';
import { HomePage } from './portal/HomePage';
import { MapPage } from './portal/MapPage';
import { PortalLayout } from './portal/PortalLayout';
import { bootCommune, bootSignedOut } from './shared/boot';
import { useCommune } from './shared/commune';
import { ErrorBoundary } from './shared/ErrorBoundary';
import { browserLocale, I18nProvider, isLocale, LOCALES, type Locale, loadArea, storedLocale, storeLocale } from './shared/i18n';
import { lazyRetry } from './shared/lazy';
import { NotFoundPage, PageLoading } from './shared/page';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Try the network even when the browser thinks it is offline: the error is what we show.
      networkMode: 'always',
      retry: (failures, error) => error instanceof ConnectionError && failures < 2,
      staleTime: 30_000,
    },
    mutations: { networkMode: 'always', retry: false },
  },
});

// What the server sent with the page: the commune (never stale: its query has staleTime ∞) and,
// without a session cookie, "nobody signed in" (stale after useMe's minute like a fetched answer).
if (bootCommune) queryClient.setQueryData(['commune'], bootCommune);
if (bootSignedOut) queryClient.setQueryData(['me'], null);

// The office (and its messages) is a separate chunk: citizens never download it.
const OfficeApp = lazyRetry(async () => {
  const [office] = await Promise.all([import('./office/OfficeApp'), loadArea('office')]);
  return { default: office.OfficeApp };
});

// Citizen reports (/reports/…): a chunk of their own, loaded on the way there.
const ReportsRoutes = lazyRetry(() => import('./portal/reports/ReportsRoutes'));

// Administrative e-services (/services/…) and the check of an issued document (/verify/…): a chunk
// and a message area of their own.
const ServicesRoutes = lazyRetry(async () => (await Promise.all([import('./portal/eservices/ServicesRoutes'), loadArea('services')]))[0]);
const VerifyPage = lazyRetry(async () => (await Promise.all([import('./portal/eservices/VerifyPage'), loadArea('services')]))[0]);

/**
 * Loads the lazy part of the page at `pathname` (the server has the page preload its chunks, see
 * PAGE_MODULES in web/vite.config.ts), so that the first render shows the page, not a spinner.
 */
export function preloadRoute(pathname: string): Promise<unknown> {
  if (/^\/office(\/|$)/.test(pathname)) return OfficeApp.preload();
  if (/^\/reports(\/|$)/.test(pathname)) return ReportsRoutes.preload();
  if (/^\/services(\/|$)/.test(pathname)) return ServicesRoutes.preload();
  if (/^\/verify\//.test(pathname)) return VerifyPage.preload();
  return Promise.resolve();
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <LocaleRoot>
          <Routes>
            <Route
              path="/office/*"
              element={
                <ErrorBoundary standalone>
                  <Suspense fallback={<PageLoading />}>
                    <OfficeApp />
                  </Suspense>
                </ErrorBoundary>
              }
            />
            <Route element={<PortalLayout />}>
              <Route index element={<HomePage />} />
              <Route path="map" element={<MapPage />} />
              <Route
                path="reports/*"
                element={
                  <Suspense fallback={<PageLoading />}>
                    <ReportsRoutes />
                  </Suspense>
                }
              />
              <Route
                path="services/*"
                element={
                  <Suspense fallback={<PageLoading />}>
                    <ServicesRoutes />
                  </Suspense>
                }
              />
              <Route
                path="verify/:code"
                element={
                  <Suspense fallback={<PageLoading />}>
                    <VerifyPage />
                  </Suspense>
                }
              />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </LocaleRoot>
      </BrowserRouter>
    </QueryClientProvider>
  );
}

const DEFAULT_FALLBACK: readonly Locale[] = ['ar', 'fr', 'zgh', 'en'];

/** The locale: the visitor's stored choice, else the commune's default language, else the browser's. */
function LocaleRoot({ children }: { children: ReactNode }) {
  const commune = useCommune();
  const [chosen, setChosen] = useState<Locale | null>(storedLocale);
  const communeDefault = commune.data && isLocale(commune.data.defaultLocale) ? commune.data.defaultLocale : null;
  const locale: Locale = chosen ?? communeDefault ?? (commune.isError ? browserLocale() : null) ?? 'ar';
  const setLocale = useCallback((next: Locale) => {
    storeLocale(next);
    setChosen(next);
    // Problems already shown were localized by the server in the old language: ask again.
    void queryClient.refetchQueries({ predicate: (q) => q.state.status === 'error' });
  }, []);
  const fallbackSource = commune.data?.localeFallback;
  const contentFallback = useMemo(() => {
    const order = (fallbackSource ?? []).filter(isLocale);
    return order.length > 0 ? [...order, ...LOCALES.filter((l) => !order.includes(l))] : DEFAULT_FALLBACK;
  }, [fallbackSource]);
  return (
    <I18nProvider
      locale={locale}
      setLocale={setLocale}
      timeZone={commune.data?.timeZone ?? 'Africa/Casablanca'}
      contentFallback={contentFallback}
    >
      {children}
    </I18nProvider>
  );
}
