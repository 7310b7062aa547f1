'use client';

import { ErrorPage } from '@/components/error-page';

/** A page that failed to render, inside the portal's frame: what happened, a retry and a way back. */
const PageError = ({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) => (
  <ErrorPage
    title="Something went wrong"
    actions={
      <button type="button" onClick={reset}>
        Try again
      </button>
    }
  >
    <p>This page could not be shown. Try again in a moment; if it keeps failing, tell an administrator.</p>
    {error.digest ? <p className="muted">Reference: {error.digest}</p> : null}
  </ErrorPage>
);

export default PageError;
