/**
 * Runs the given cleanup once on SIGINT, SIGTERM or SIGHUP, then exits. Ctrl-C in the run command stops
 * every service, the broker and PostgreSQL before the process ends.
 */
export function onShutdown(cleanup: (signal: string) => Promise<void>): void {
  // A library's own signal handlers that exit at once would cut the broker's and the services' shutdown short.
  // Our cleanup stops PostgreSQL itself, last.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(signal);
  let shuttingDown = false;
  const handler = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    cleanup(signal)
      .catch((err) => console.error(`cleanup failed: ${(err as Error).message}`))
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, handler);
}
