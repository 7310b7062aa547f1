import { createElement, type ComponentProps } from 'react';
import { AppRouterContext } from 'next/dist/shared/lib/app-router-context.shared-runtime';
import { NextIntlClientProvider } from 'next-intl';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { VersionHistory } from '@/components/version-history';
import { groupVersions, type HistoryVersion } from '@/lib/documents/version-groups';
import messages from '@/messages/en.json';

const ann = { id: 'a', email: 'ann@example.com', name: 'Ann' };
const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 12, minute));
const AUTOSAVE = { via: 'wopi', isAutosave: true, isExitSave: false, isModifiedByUser: true };

const versions: HistoryVersion[] = [
  { version: 1, size: 2048, createdAt: at(1), author: ann, details: null },
  { version: 2, size: 10, createdAt: at(2), author: ann, details: AUTOSAVE },
  { version: 3, size: 11, createdAt: at(3), author: ann, details: AUTOSAVE },
  { version: 4, size: 12, createdAt: at(4), author: null, details: { via: 'storage' } },
  { version: 5, size: 2048, createdAt: at(5), author: ann, details: { restoredFrom: 1 } },
];

const render = (canRestore: boolean) =>
  renderToStaticMarkup(
    // The restore button asks for the app router (to refresh after a restore); a stand-in suffices to render.
    createElement(
      NextIntlClientProvider,
      // The labels come from the English messages, as a request without a language gets them.
      { locale: 'en', messages, timeZone: 'UTC' } as ComponentProps<typeof NextIntlClientProvider>,
      createElement(
        AppRouterContext.Provider,
        { value: {} as never },
        createElement(VersionHistory, {
          documentId: 'd',
          documentName: 'Plan.docx',
          entries: groupVersions(versions, 5),
          formatTime: (instant: Date) => instant.toISOString(),
          canRestore,
        }),
      ),
    ),
  );

describe('VersionHistory', () => {
  it('names a storage change, a restore and the uploader; folds the autosaves; marks the current version', () => {
    const html = render(false);
    expect(html).toContain('Changed in storage');
    expect(html).toContain('outside the portal');
    expect(html).toContain('Restored from version 1');
    expect(html).toContain('2 autosaves by Ann · versions 2–3');
    expect(html.match(/aria-current="true"/g)).toHaveLength(1);
    expect(html).toMatch(/data-version="5" aria-current="true"/);
    expect(html).toContain('2.0 KB');
    expect(html).toContain('/api/documents/d/versions/1/content');
  });

  it('restore buttons for every version but the current one, only when allowed', () => {
    expect(render(false)).not.toContain('data-testid="restore-version"');
    expect(render(true).match(/data-testid="restore-version"/g)).toHaveLength(4);
  });
});
