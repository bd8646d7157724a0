/**
 * The signed-in office's pages are a chunk of their own: the sign-in page loads without them and
 * starts fetching them once someone begins to sign in, so they are there when the session is.
 */
export const loadOfficeRoutes = () => import('./OfficeRoutes');

export function prefetchOfficeRoutes(): void {
  // A failure here is retried by the lazy page itself, with its own error and retry button.
  loadOfficeRoutes().catch(() => {});
}
