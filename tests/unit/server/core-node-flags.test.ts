import { describe, expect, it } from 'vitest';
import { coreNodeFlags, DEFAULT_CORE_NODE_FLAGS, withoutCoreNodeFlags } from '@/lib/server/core-node-flags';

const DEFAULTS = ['--max-semi-space-size=8', '--initial-old-space-size=64'];

describe('the core process heap flags (CORE_NODE_FLAGS)', () => {
  it('the defaults → both flags', () => {
    expect(coreNodeFlags(DEFAULT_CORE_NODE_FLAGS, undefined)).toEqual(DEFAULTS);
  });

  it('CORE_NODE_FLAGS "none" → no flags (V8 defaults), and nothing to strip for the child', () => {
    expect(coreNodeFlags('none', undefined)).toEqual([]);
    expect(withoutCoreNodeFlags(['--import', 'tsx'], 'none')).toEqual(['--import', 'tsx']);
  });

  it('NODE_OPTIONS sets --max-semi-space-size (any value, any spelling) → that flag is left to it', () => {
    expect(coreNodeFlags(DEFAULT_CORE_NODE_FLAGS, '--max-semi-space-size=16')).toEqual(['--initial-old-space-size=64']);
    expect(coreNodeFlags(DEFAULT_CORE_NODE_FLAGS, '--enable-source-maps  --max_semi_space_size=2')).toEqual([
      '--initial-old-space-size=64',
    ]);
  });

  it('an unrelated NODE_OPTIONS flag changes nothing', () => {
    expect(coreNodeFlags(DEFAULT_CORE_NODE_FLAGS, '--max-old-space-size=4096')).toEqual(DEFAULTS);
  });

  it("the Next.js child's arguments drop the core's flags and keep the rest in order", () => {
    expect(
      withoutCoreNodeFlags(['--import', 'tsx', ...DEFAULTS, '--enable-source-maps'], DEFAULT_CORE_NODE_FLAGS),
    ).toEqual(['--import', 'tsx', '--enable-source-maps']);
  });
});
