import { describe, expect, it } from 'vitest';
import { actionLabel, detailsSummary, documentLabel, userLabel } from '@/lib/audit/present';

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
    expect(userLabel({ ...base, userId: 'u', userEmail: 'ann@x.org' })).toEqual({ text: 'ann@x.org', isKnown: true });
    expect(userLabel({ ...base, userId: 'u' }).text).toBe('Removed user');
    expect(userLabel({ ...base, action: 'user.role_changed', details: { email: 'target@x.org', via: 'cli' } })).toEqual(
      {
        text: 'Command line',
        isKnown: false,
      },
    );
    expect(userLabel({ ...base, action: 'janitor.blob_removed' }).text).toBe('System');
    expect(userLabel(base).text).toBe('—');
  });

  it('userLabel: a sign-in with an unknown email → the email typed, marked as no such user', () => {
    expect(
      userLabel({ ...base, action: 'auth.sign_in', details: { reason: 'unknown_email', email: 'x@y.org' } }),
    ).toEqual({ text: 'x@y.org (no such user)', isKnown: false });
    expect(userLabel({ ...base, action: 'auth.sign_out', details: { email: 'x@y.org' } }).text).toBe('—');
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

  it('actionLabel for known actions only', () => {
    expect(actionLabel('wopi.save')).toBe('Save');
    expect(actionLabel('user.role_change')).toBeUndefined();
  });
});
