import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useT } from './i18n';
import { resetFailedLazyImports } from './lazy';
import { ProblemMessage } from './ProblemMessage';

interface Props {
  children: ReactNode;
  /** Wrap the error in its own <main> (where the boundary sits outside any page layout). */
  standalone?: boolean;
}

/** Catches render errors and failed chunk downloads: a readable message with a retry, never a blank page. */
export class ErrorBoundary extends Component<Props, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error(error, info.componentStack);
  }

  retry = () => {
    resetFailedLazyImports();
    this.setState({ error: null });
  };

  override render() {
    if (this.state.error !== null) {
      const fallback = <ErrorFallback error={this.state.error} onRetry={this.retry} />;
      return this.props.standalone ? (
        <main id="main" tabIndex={-1} className="container site-main">
          {fallback}
        </main>
      ) : (
        fallback
      );
    }
    return this.props.children;
  }
}

function ErrorFallback({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const t = useT();
  return (
    <section className="page-error" aria-labelledby="page-error-title">
      <h1 id="page-error-title" tabIndex={-1}>
        {t('common.error.page.title')}
      </h1>
      <ProblemMessage error={error} onRetry={onRetry} />
    </section>
  );
}
