/**
 * Rebuilds the timeline read model from the beginning of the topics, aside, then swaps it in atomically while the
 * service keeps serving.
 *
 *   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register services/timeline/src/cli/rebuild.ts [--keep-old]
 *   npx nx run timeline:rebuild
 *
 * Needs DATABASE_URL (the timeline service's database) and KAFKA_BROKERS; TIMELINE_TOPICS overrides the topics.
 */
import { requiredEnv } from '@tio/service-kit';
import { consumerSettings } from '../consumer/timeline-consumer';
import { rebuildReadModel, type RebuildProgress } from '../rebuild/rebuild';

export function progressLine(p: RebuildProgress, width = 30): string {
  const ratio = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${p.done}/${p.total} events ${p.eventsPerSecond.toFixed(0)} events/s ${(p.elapsedMs / 1000).toFixed(1)}s ${p.phase}`;
}

export async function main(argv: string[], out: NodeJS.WriteStream = process.stderr): Promise<number> {
  if (argv.includes('--help')) {
    out.write('usage: rebuild [--keep-old]\nRebuilds the timeline read model from the Kafka topics aside and swaps it in atomically.\n');
    return 0;
  }
  const databaseUrl = requiredEnv('DATABASE_URL', "the timeline service's PostgreSQL database URL");
  const brokers = requiredEnv('KAFKA_BROKERS', 'comma-separated Kafka bootstrap servers').split(',');
  const topics = consumerSettings().topics;
  let lastPrint = 0;
  const result = await rebuildReadModel({
    database: { url: databaseUrl }, brokers, topics, keepOld: argv.includes('--keep-old'), topicPrefix: process.env['KAFKA_TOPIC_PREFIX'] ?? '',
    onProgress: (p) => {
      if (out.isTTY) out.write(`\r${progressLine(p)}`);
      else if (Date.now() - lastPrint > 1000 || p.phase !== 'building') {
        lastPrint = Date.now();
        out.write(`${progressLine(p)}\n`);
      }
    },
  });
  out.write(`${out.isTTY ? '\n' : ''}rebuilt generation ${result.generation}: ${result.events} events in ${result.seconds.toFixed(1)}s (${(result.events / Math.max(result.seconds, 0.001)).toFixed(0)} events/s); ${result.merged} entries merged from the live model at the swap\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`\nrebuild failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
