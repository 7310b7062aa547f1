/** One line a logger was given: its level, its fields and its message. */
export type LogLine = { level: string; fields: Record<string, unknown>; msg: string };

/**
 * A logger (the WopiRuntime's `log` shape: info, warn, error) that keeps every line in `lines`
 * for a test to read; clear them with `lines.length = 0`.
 */
export const capturedLog = () => {
  const lines: LogLine[] = [];
  const capture = (level: string) => (fields: object, msg: string) =>
    void lines.push({ level, fields: fields as Record<string, unknown>, msg });

  return { lines, log: { info: capture('info'), warn: capture('warn'), error: capture('error') } };
};
