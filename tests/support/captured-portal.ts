import { startPortal, type Portal } from '../../scripts/lib/portal';

/**
 * A throwaway production portal (scripts/lib/portal.ts startPortal: `next build` output, embedded
 * Postgres and S3, LOG_LEVEL=warn) whose output is kept in `output` instead of printed: tests read
 * it, and a failed start throws with its last 40 lines.
 */
export const startCapturedPortal = async (
  label: string,
  output: string[],
  env: Record<string, string> = {},
): Promise<Portal> =>
  startPortal({
    label,
    log: () => {},
    isEmbeddedOnly: true,
    output: { write: (line: string) => output.push(line) } as unknown as NodeJS.WriteStream,
    env: { LOG_LEVEL: 'warn', ...env },
  }).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${output.slice(-40).join('')}`);
  });
