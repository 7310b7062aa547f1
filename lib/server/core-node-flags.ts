/**
 * V8 heap settings for the process that serves /wopi (the "core": scripts/serve.ts, started by
 * `npm start`), passed on its command line. Not for the Next.js child it runs, nor the CLI.
 *
 * Why: the core's live heap is small (about 26 MB), and V8 sets the old generation's limit at
 * about 1.4× the live size after each full GC (~38 MB). It starts incremental marking as soon
 * as the room left under that limit (~12 MB) is smaller than the young generation's capacity,
 * which grows to 16 MB per semi-space under streaming load. From then on the core was marking
 * nearly all the time: `--trace-incremental-marking` showed `Start (task): (size/limit/slack)
 * v8: 26MB / 38MB / 12MB` right after each Mark-Compact, and `--trace-gc` a Mark-Compact every
 * ~150 ms of GetFile + PutFile traffic (45 in 150 pairs), each a 3–9 ms pause plus marking steps
 * of up to 15 ms, landing in whichever save was running.
 * - `--initial-old-space-size=64` (MB): V8 skips full GCs while the old generation is below it
 *   (an embedder-configured initial size is also the limit's floor; the trace then reads
 *   `v8: 33MB / 64MB / 31MB`).
 * - `--max-semi-space-size=8` (MB): a young generation of 2 × 8 MB instead of 2 × 16 MB, so the
 *   soft limit stays out of reach and the process stays smaller. 4 MB did as well for saves
 *   but cost 50 % more GC time per LOCK+UNLOCK (35 against 23 µs per cycle at 16 connections:
 *   more scavenges, each copying the requests in flight); 8 MB costs what 16 MB does.
 * Measured on the 2-core machine, runs of 150 GetFile + PutFile (1 MiB) pairs: Mark-Compacts
 * 14–48 → 0–1 per run, PutFile p80 24–35 → 17–20 ms, core RSS 145–179 → 152–165 MB.
 * `npm run bench` (README "Performance") gives the ratios before and after.
 *
 * They are the default of CORE_NODE_FLAGS (lib/env.ts), which an operator may change, or set to
 * `none` for V8's defaults.
 * A flag NODE_OPTIONS also sets is left to NODE_OPTIONS (`--initial-old-space-size` is not
 * allowed there: Node refuses to start; change it through CORE_NODE_FLAGS).
 */
export const DEFAULT_CORE_NODE_FLAGS = '--max-semi-space-size=8 --initial-old-space-size=64';

const flagName = (flag: string) => flag.split('=')[0]!.replace(/_/g, '-');
/** The options in `options`, space-separated; none for `none` (CORE_NODE_FLAGS' way to turn them off). */
const flagsOf = (options: string | undefined) =>
  options?.trim() === 'none' ? [] : (options ?? '').split(/\s+/).filter(Boolean);

/**
 * The flags of `coreFlags` (CORE_NODE_FLAGS' value) minus any NODE_OPTIONS (`nodeOptions`)
 * already sets, by name (`--max-semi-space-size` and `--max_semi_space_size` are the same flag).
 */
export const coreNodeFlags = (coreFlags: string, nodeOptions: string | undefined): string[] => {
  const set = new Set(flagsOf(nodeOptions).map(flagName));

  return flagsOf(coreFlags).filter((flag) => !set.has(flagName(flag)));
};

/** `execArgv` without the core's own flags `coreFlags` (what the Next.js child is started with). */
export const withoutCoreNodeFlags = (execArgv: readonly string[], coreFlags: string): string[] => {
  const own = new Set(flagsOf(coreFlags));

  return execArgv.filter((arg) => !own.has(arg));
};
