/**
 * The last resort, not the fix: an exception nothing caught is logged with a stable code and
 * the gateway keeps serving, so one bad input cannot take every page down with the process.
 * Every known path is handled where it happens; reaching this is itself a bug to report.
 */
export function installProcessGuard(write: (line: string) => void = (line) => process.stderr.write(line)): void {
  const report = (kind: string, err: unknown) => {
    const e = err as { name?: string; code?: unknown; message?: unknown };
    const code = typeof e?.code === 'string' ? ` ${e.code}` : '';
    // Name, code and message only: a stack or a request URL could carry a token into the log.
    const message = String(e?.message ?? err).replace(/[\r\n]+/g, ' ').slice(0, 200);
    write(`sockgate: INTERNAL ${kind} (${e?.name ?? typeof err}${code}): ${message} — kept running\n`);
  };
  process.on('uncaughtException', (err) => report('uncaught exception', err));
  process.on('unhandledRejection', (err) => report('unhandled rejection', err));
}
