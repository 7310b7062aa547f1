/** Polls `url` until it answers 2xx, the process behind it dies, or the time is up. */
export const waitForHttp = async (url: string, options: { timeoutMs: number; isAlive?: () => boolean }) => {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (options.isAlive && !options.isAlive())
      throw new Error(`The process serving ${url} exited before it was ready.`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${options.timeoutMs / 1000} s.`);
};
