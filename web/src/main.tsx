import './shared/styles/fonts.css';
import './shared/styles/base.css';
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App, preloadRoute } from './App';
import { applyDocumentLocale, storedLocale } from './shared/i18n';

// The server wrote <html lang dir> for the commune's language; a visitor's own earlier choice
// (kept in this browser) wins, before the first render.
const stored = storedLocale();
if (stored) applyDocumentLocale(stored);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
const reactRoot = createRoot(root);
function render() {
  // As a transition, the first render yields to the browser every few milliseconds instead of
  // holding the main thread for its whole length (a phone stays responsive while the page builds).
  startTransition(() => {
    reactRoot.render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  });
}

// The page's own lazy chunk (the office) is already downloading (preloaded by index.html): wait
// for it a little, so the first render is the page; past that, or on a failure, render anyway
// (a spinner, or the error with its retry).
const PRELOAD_WAIT_MS = 1500;
Promise.race([preloadRoute(window.location.pathname), new Promise((resolve) => setTimeout(resolve, PRELOAD_WAIT_MS))])
  .catch(() => {})
  .finally(render);
