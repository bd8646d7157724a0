import { type ComponentType, lazy } from 'react';

const failed = new Set<() => void>();

/**
 * React.lazy remembers a failed import forever; this one can be reset, so the error boundary's
 * "retry" downloads the chunk again once the connection is back instead of failing the same way.
 */
export function lazyRetry<P extends object>(factory: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  const make = () =>
    lazy(() =>
      factory().catch((error: unknown) => {
        failed.add(reset);
        throw error;
      }),
    );
  let Current = make();
  function reset() {
    Current = make();
    failed.delete(reset);
  }
  // biome-ignore lint/correctness/noComponentHookFactories: called once per lazy page at module load, not during render, so the component identity is stable
  return function LazyRetry(props: P) {
    return <Current {...props} />;
  };
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
