import { describe, expect, it } from 'vitest';
import { breadcrumbs, folderChain, nameOf, parentOf } from '@/lib/documents/folders';

describe('folderChain', () => {
  it.each([
    ['', ['']],
    ['a', ['', 'a']],
    ['a/b', ['', 'a', 'a/b']],
    ['a/b/c', ['', 'a', 'a/b', 'a/b/c']],
    ['My Docs/Résumés', ['', 'My Docs', 'My Docs/Résumés']],
  ])('folderChain(%j) → %j (root first)', (folder, expected) => {
    expect(folderChain(folder)).toEqual(expected);
  });
});

describe('parentOf', () => {
  it.each([
    ['', null],
    ['a', ''],
    ['a/b', 'a'],
    ['a/b/c', 'a/b'],
    ['x y/z', 'x y'],
  ])('parentOf(%j) → %j', (folder, expected) => {
    expect(parentOf(folder)).toBe(expected);
  });

  it('parentOf walks every folderChain entry back to the root', () => {
    const chain = folderChain('a/b/c');
    for (const [index, path] of chain.entries()) {
      expect(parentOf(path)).toBe(index === 0 ? null : chain[index - 1]);
    }
  });
});

describe('nameOf', () => {
  it.each([
    ['', ''],
    ['a', 'a'],
    ['a/b', 'b'],
    ['a/b/c.d', 'c.d'],
    ['Ünïcode/日本', '日本'],
  ])('nameOf(%j) → %j', (folder, expected) => {
    expect(nameOf(folder)).toBe(expected);
  });
});

describe('breadcrumbs', () => {
  it('breadcrumbs("") → just the "Documents" root', () => {
    expect(breadcrumbs('')).toEqual([{ name: 'Documents', path: '' }]);
  });

  it('breadcrumbs("a/b c/d") → root, then one crumb per ancestor with its own name', () => {
    expect(breadcrumbs('a/b c/d')).toEqual([
      { name: 'Documents', path: '' },
      { name: 'a', path: 'a' },
      { name: 'b c', path: 'a/b c' },
      { name: 'd', path: 'a/b c/d' },
    ]);
  });

  it('breadcrumbs: a folder literally named "Documents" keeps its path', () => {
    expect(breadcrumbs('Documents')).toEqual([
      { name: 'Documents', path: '' },
      { name: 'Documents', path: 'Documents' },
    ]);
  });
});
