import { type ComponentType, lazy } from 'react';

const failed = new Set<() => void>();

/** A lazily loaded page component that can also be asked to download ahead of its first render. */
export type LazyComponent<P extends object> = ComponentType<P> & { preload(): Promise<unknown> };

/**
 * React.lazy remembers a failed import forever; this one can be reset, so the error boundary's
 * "retry" downloads the chunk again once the connection is back instead of failing the same way.
 * Once its module is there (`preload()` before the first render), it renders at once: React gets
 * an already-resolved thenable and does not show the Suspense fallback (which it would otherwise
 * keep on screen for at least 300 ms).
 */
export function lazyRetry<P extends object>(factory: () => Promise<{ default: ComponentType<P> }>): LazyComponent<P> {
  let loaded: { default: ComponentType<P> } | undefined;
  let loading: Promise<{ default: ComponentType<P> }> | undefined;
  const load = () => {
    loading ??= factory().then(
      (module) => {
        loaded = module;
        return module;
      },
      (error: unknown) => {
        loading = undefined;
        failed.add(reset);
        throw error;
      },
    );
    return loading;
  };
  const make = () =>
    lazy(() => {
      const module = loaded;
      if (module) {
        // biome-ignore lint/suspicious/noThenProperty: on purpose: a thenable that calls back at once, so React.lazy takes the module without suspending
        const resolved = { then: (resolve: (m: typeof module) => void) => resolve(module) };
        return resolved as unknown as Promise<typeof module>;
      }
      return load();
    });
  let Current = make();
  function reset() {
    Current = make();
    failed.delete(reset);
  }
  // biome-ignore lint/correctness/noComponentHookFactories: called once per lazy page at module load, not during render, so the component identity is stable
  function LazyRetry(props: P) {
    return <Current {...props} />;
  }
  return Object.assign(LazyRetry, { preload: () => load() });
}

/** Forget every lazy import that failed, so the next render tries again. */
export function resetFailedLazyImports(): void {
  // Vite adds a chunk's stylesheet once and skips it when the link is already in the page, even
  // if it failed to load: remove the failed ones so the retry adds them again.
  for (const link of document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')) {
    if (!link.sheet) link.remove();
  }
  for (const reset of [...failed]) reset();
}
