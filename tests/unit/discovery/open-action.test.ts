import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  capabilityOf,
  decideOpenAction,
  inlineTypeOf,
  NO_EDITOR,
  type EditorCapability,
} from '@/lib/discovery/open-action';
import { parseDiscovery, selectZone, type DiscoveryZone } from '@/lib/discovery/parse';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');
const zoneOf = (name: string, publicUrl: string): DiscoveryZone =>
  selectZone(parseDiscovery(fixture(name)), publicUrl)!;
const collabora = zoneOf('discovery-collabora.xml', 'http://portal.example');
const onlyoffice = zoneOf('discovery-onlyoffice.xml', 'http://portal.example');

const ID = '11111111-2222-3333-4444-555555555555';
const EDITS: EditorCapability = { canView: true, canEdit: true, canEditNew: true };
const VIEWS_ONLY: EditorCapability = { canView: true, canEdit: false, canEditNew: false };
const EDIT_ACTION_ONLY: EditorCapability = { canView: false, canEdit: true, canEditNew: false };
const EDITNEW_ONLY: EditorCapability = { canView: false, canEdit: false, canEditNew: true };

const decide = (extension: string, role: 'admin' | 'editor' | 'viewer', capability: EditorCapability, size = 10) =>
  decideOpenAction({ id: ID, extension, size, role, capability });

describe('decideOpenAction', () => {
  it.each([
    // [extension, role, capability, expected kind]
    ['docx', 'admin', EDITS, 'edit'],
    ['docx', 'editor', EDITS, 'edit'],
    ['docx', 'viewer', EDITS, 'view'],
    ['pdf', 'admin', VIEWS_ONLY, 'view'],
    ['pdf', 'editor', VIEWS_ONLY, 'view'],
    ['pdf', 'viewer', VIEWS_ONLY, 'view'],
    // Collabora lists only "edit" for some types: viewers open them with a read-only token.
    ['odt', 'viewer', EDIT_ACTION_ONLY, 'view'],
    ['pdf', 'admin', NO_EDITOR, 'inline'],
    ['pdf', 'viewer', NO_EDITOR, 'inline'],
    ['PNG', 'editor', NO_EDITOR, 'inline'],
    ['jpg', 'viewer', NO_EDITOR, 'inline'],
    ['jpeg', 'viewer', NO_EDITOR, 'inline'],
    ['gif', 'viewer', NO_EDITOR, 'inline'],
    ['webp', 'viewer', NO_EDITOR, 'inline'],
    ['svg', 'admin', NO_EDITOR, 'download'],
    ['html', 'admin', NO_EDITOR, 'download'],
    ['docx', 'admin', NO_EDITOR, 'download'],
    ['', 'viewer', NO_EDITOR, 'download'],
    // An editor that edits nothing of this type but offers editnew: only an empty file opens with it.
    ['docx', 'editor', EDITNEW_ONLY, 'download'],
  ] as const)('%s as %s with %j → %s', (extension, role, capability, kind) => {
    expect(decide(extension, role, capability).kind).toBe(kind);
  });

  it('hrefs: the host page for edit/view, /inline for the browser viewer, /content for a download', () => {
    expect(decide('docx', 'admin', EDITS)).toEqual({ kind: 'edit', href: `/documents/${ID}/edit` });
    expect(decide('docx', 'viewer', EDITS)).toEqual({ kind: 'view', href: `/documents/${ID}/view` });
    expect(decide('pdf', 'viewer', NO_EDITOR)).toEqual({ kind: 'inline', href: `/api/documents/${ID}/inline` });
    expect(decide('zip', 'viewer', NO_EDITOR)).toEqual({ kind: 'download', href: `/api/documents/${ID}/content` });
  });

  it('an empty file opens for editing where only editnew is offered', () => {
    expect(decide('docx', 'editor', EDITNEW_ONLY, 0).kind).toBe('edit');
    expect(decide('docx', 'viewer', EDITNEW_ONLY, 0).kind).toBe('download');
  });
});

describe('capabilityOf (real discovery files)', () => {
  it('Collabora: pdf is view-only, odt edits, png is nothing; ONLYOFFICE: docx edits, views and creates', () => {
    expect(capabilityOf([collabora], 'pdf')).toEqual({ canView: true, canEdit: false, canEditNew: false });
    expect(capabilityOf([collabora], 'odt')).toMatchObject({ canEdit: true });
    expect(capabilityOf([collabora], 'png')).toEqual(NO_EDITOR);
    expect(capabilityOf([onlyoffice], 'docx')).toEqual({ canView: true, canEdit: true, canEditNew: true });
  });

  it('no editors → nothing; two editors → what either offers', () => {
    expect(capabilityOf([], 'docx')).toEqual(NO_EDITOR);
    expect(capabilityOf([collabora, onlyoffice], 'pdf').canView).toBe(true);
  });
});

describe('inlineTypeOf', () => {
  it.each([
    ['pdf', 'application/pdf'],
    ['PDF', 'application/pdf'],
    ['png', 'image/png'],
    ['jpg', 'image/jpeg'],
    ['jpeg', 'image/jpeg'],
    ['gif', 'image/gif'],
    ['webp', 'image/webp'],
    ['svg', null],
    ['html', null],
    ['txt', null],
    ['docx', null],
  ])('%s → %s', (extension, type) => {
    expect(inlineTypeOf(extension)).toBe(type);
  });
});
