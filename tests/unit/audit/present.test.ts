import { describe, expect, it } from 'vitest';
import { KNOWN_AUDIT_ACTIONS } from '@/lib/audit/actions';
import { actionMessageKey, detailsSummary, documentLabel, groupMessageKey, userLabel } from '@/lib/audit/present';
import en from '@/messages/en.json';

const base = {
  action: 'wopi.save',
  userId: null,
  userEmail: null,
  documentId: null,
  documentName: null,
  documentFolder: null,
  isDocumentDeleted: false,
  details: null,
};

describe('audit presentation', () => {
  it('userLabel: the email, else a removed user, the command line, System for maintenance, or a dash', () => {
    expect(userLabel({ ...base, userId: 'u', userEmail: 'ann@x.org' })).toEqual({ kind: 'known', email: 'ann@x.org' });
    expect(userLabel({ ...base, userId: 'u' })).toEqual({ kind: 'removed' });
    expect(userLabel({ ...base, action: 'user.role_changed', details: { email: 'target@x.org', via: 'cli' } })).toEqual(
      {
        kind: 'cli',
      },
    );
    expect(userLabel({ ...base, action: 'janitor.blob_removed' })).toEqual({ kind: 'system' });
    expect(userLabel(base)).toEqual({ kind: 'none' });
  });

  it('userLabel: a sign-in with an unknown email → the email typed, marked as no such user', () => {
    expect(
      userLabel({ ...base, action: 'auth.sign_in', details: { reason: 'unknown_email', email: 'x@y.org' } }),
    ).toEqual({ kind: 'typed', email: 'x@y.org' });
    expect(userLabel({ ...base, action: 'auth.sign_out', details: { email: 'x@y.org' } })).toEqual({ kind: 'none' });
  });

  it('documentLabel: its folder while it exists, the trash, else the name the event recorded', () => {
    const existing = { ...base, documentId: 'd', documentName: 'a.docx', documentFolder: 'F' };
    expect(documentLabel(existing)).toEqual({ kind: 'folder', name: 'a.docx', folder: 'F' });
    expect(documentLabel({ ...existing, isDocumentDeleted: true })).toEqual({ kind: 'trash', name: 'a.docx' });
    expect(documentLabel({ ...base, details: { name: 'gone.xlsx' } })).toEqual({ kind: 'gone', name: 'gone.xlsx' });
    expect(documentLabel({ ...base, details: { from: 'a', to: 'b.docx' } })).toEqual({ kind: 'gone', name: 'b.docx' });
    expect(documentLabel(base)).toEqual({ kind: 'none' });
  });

  it('detailsSummary: one short line', () => {
    expect(detailsSummary({ version: 3, size: 1024, replaced: false })).toBe(
      'version: 3 · size: 1024 · replaced: false',
    );
    expect(detailsSummary({ keys: ['a', 'b'], nested: { x: 1 }, none: null })).toBe(
      'keys: [2] · nested: {…} · none: null',
    );
    expect(detailsSummary({ text: 'x'.repeat(200) }).length).toBeLessThanOrEqual(64);
    expect(detailsSummary(null)).toBe('');
  });

  it('actionMessageKey for known actions only; every known action and group has its message', () => {
    expect(actionMessageKey('wopi.save')).toBe('wopi_save');
    expect(actionMessageKey('user.role_change')).toBeUndefined();
    for (const entry of KNOWN_AUDIT_ACTIONS) {
      const key = actionMessageKey(entry.action)!;
      expect(en.audit.actions[key as keyof typeof en.audit.actions], entry.action).toBe(entry.label);
      expect(en.audit.groups[groupMessageKey(entry.group) as keyof typeof en.audit.groups], entry.group).toBe(
        entry.group,
      );
    }
  });
});
