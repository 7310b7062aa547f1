import { describe, expect, it } from 'vitest';
import { CORE_NODE_FLAGS, coreNodeFlags, withoutCoreNodeFlags } from '@/lib/server/core-node-flags';

describe('the core process heap flags', () => {
  it('no NODE_OPTIONS → every flag', () => {
    expect(coreNodeFlags(undefined)).toEqual([...CORE_NODE_FLAGS]);
    expect(coreNodeFlags('')).toEqual([...CORE_NODE_FLAGS]);
  });

  it('NODE_OPTIONS sets --max-semi-space-size (any value) → that flag is left to it', () => {
    expect(coreNodeFlags('--max-semi-space-size=16')).toEqual(['--initial-old-space-size=64']);
  });

  it('NODE_OPTIONS spells a flag with underscores → still the same flag', () => {
    expect(coreNodeFlags('--enable-source-maps  --initial_old_space_size=256')).toEqual(['--max-semi-space-size=8']);
  });

  it('an unrelated NODE_OPTIONS flag changes nothing', () => {
    expect(coreNodeFlags('--max-old-space-size=4096')).toEqual([...CORE_NODE_FLAGS]);
  });

  it("the Next.js child's arguments drop the core's flags and keep the rest in order", () => {
    expect(withoutCoreNodeFlags(['--import', 'tsx', ...CORE_NODE_FLAGS, '--enable-source-maps'])).toEqual([
      '--import',
      'tsx',
      '--enable-source-maps',
    ]);
  });
});
