import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The server program is bundled as scripts/lib/build.ts does it. The process that owns the port
// and serves /wopi must never load Next.js (its process-wide hooks tax every WOPI request): only
// the Next.js child may, and only by a dynamic import that runs when it is that child.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const isNext = (specifier: string) => /^next(\/|$)/.test(specifier) || /^next-auth(\/|$)/.test(specifier);

describe('server program (scripts/serve.ts bundled)', () => {
  it('imports next only dynamically, from lib/server/next-child.ts', async () => {
    const { metafile } = await build({
      entryPoints: [path.join(ROOT, 'scripts', 'serve.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      write: false,
      outfile: path.join(ROOT, '.next', 'server-program-test.mjs'),
      tsconfig: path.join(ROOT, 'tsconfig.json'),
      metafile: true,
      logLevel: 'silent',
    });
    const nextImports = Object.entries(metafile.inputs).flatMap(([file, input]) =>
      input.imports
        .filter((entry) => isNext(entry.path))
        .map((entry) => ({ file, kind: entry.kind, path: entry.path })),
    );

    expect(nextImports).toEqual([{ file: 'lib/server/next-child.ts', kind: 'dynamic-import', path: 'next' }]);
  }, 60_000);
});
