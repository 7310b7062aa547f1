import { findSavedAsCopy } from '@/lib/host-page/saved-as';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The host page's look-up after a Save As: which document the editor moved to. */
export const GET = findSavedAsCopy;
