/**
 * Runs one embedded PostgreSQL cluster for the fault tests in its own Node process, so that stopping it is a
 * server going away as it would in production. Keeps its data in FAULTS_PG_DIR (so a restart on the same
 * folder and FAULTS_PG_PORT finds everything again), prints `URL=...` then `READY`, and stops PostgreSQL when its
 * standard input closes.
 */
import { startEmbeddedPostgres } from '@tio/local-infra';

async function main(): Promise<void> {
  const pg = await startEmbeddedPostgres({ dir: process.env['FAULTS_PG_DIR'] as string, persistent: true, port: process.env['FAULTS_PG_PORT'] || undefined });
  // stdin closing is our stop signal (the test holds the other end)
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void pg.stop().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.stdout.write(`URL=${pg.url}\nREADY\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
