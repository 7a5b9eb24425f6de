/**
 * `infra up`: starts the local PostgreSQL and Kafka broker (unless DATABASE_URL / KAFKA_BROKERS point elsewhere),
 * prints their addresses as KEY=value lines followed by READY, and keeps them up until Ctrl-C, SIGTERM, or its
 * standard input closes (which is how the Jest global setup ends it).
 */
import { InfraPrerequisiteError } from './errors';
import { startLocalInfra } from './local-infra';
import { onShutdown } from './shutdown';

async function main(): Promise<void> {
  const mode = process.argv.includes('--run') ? 'run' : 'test';
  const verbose = process.argv.includes('--verbose');
  const infra = await startLocalInfra({ mode, log: verbose ? (s, l) => console.error(`[${s}] ${l}`) : undefined });
  onShutdown(() => infra.stop());
  if (process.argv.includes('--watch-stdin')) {
    process.stdin.on('end', () => void infra.stop().finally(() => process.exit(0)));
    process.stdin.resume();
  }
  process.stdout.write(`DATABASE_URL=${infra.databaseUrl}\nKAFKA_BROKERS=${infra.kafkaBrokers}\nREADY\n`);
}

main().catch((err) => {
  if (err instanceof InfraPrerequisiteError) console.error(`\n${err.message}\n`);
  else console.error(err);
  process.exit(1);
});
