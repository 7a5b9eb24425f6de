// Lists and replays dead letters.
//   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register libs/messaging/src/cli/dead-letters.ts list <topic> [--json]
//   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register libs/messaging/src/cli/dead-letters.ts replay <topic> [--all | --only P:O[,P:O...]]
// <topic> is the original topic or its .dlq; the broker comes from --brokers or KAFKA_BROKERS.
// Records a consumer parked (or kept whole because their dead letter is bounded): `dead-letters parked ...` (cli/parked.ts).
import { KafkaJsClient } from '../kafka/kafkajs-adapter';
import { PARKED_USAGE, parkedMain } from './parked';
import { listDeadLetters, replayDeadLetters, type DeadLetter, type DeadLetterReadOptions } from '../dead-letters/dead-letters';

const USAGE = 'usage: dead-letters list <topic> [--json] [--brokers host:port]\n       dead-letters replay <topic> (--all | --only P:O[,P:O...]) [--brokers host:port]';

/** How a sealed letter reads: opened with its key, or erased (the key was destroyed: nothing left to read). */
const sealNote = (l: DeadLetter) => (l.sealed ? (l.sealed.state === 'erased' ? `  [erased: key of ${l.sealed.subject} destroyed]` : `  [sealed with the key of ${l.sealed.subject}]`) : '');

/** `options.unseal` opens sealed dead letters (`@tio/personal-data`'s CLI passes it; this one alone shows them sealed). */
export async function main(argv: string[], out: (line: string) => void = console.log, options: DeadLetterReadOptions = {}): Promise<number> {
  if (argv[0] === 'parked') return parkedMain(argv.slice(1), out, options);
  const [command, topic, ...rest] = argv;
  const flag = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? (rest[i + 1] ?? '') : undefined;
  };
  const brokers = flag('--brokers') ?? process.env['KAFKA_BROKERS'];
  if (!command || !topic || !['list', 'replay'].includes(command)) {
    out(`${USAGE}\n${PARKED_USAGE}`);
    return 2;
  }
  if (!brokers) {
    out('no broker: pass --brokers host:port or set KAFKA_BROKERS');
    return 2;
  }
  const client = new KafkaJsClient({ brokers, clientId: 'tio-dead-letters-cli' });
  if (command === 'list') {
    const letters = await listDeadLetters(client, topic, options);
    if (rest.includes('--json')) for (const l of letters) out(JSON.stringify(l));
    else {
      out(`${letters.length} dead letter(s)`);
      for (const l of letters) {
        out(`${l.partition}:${l.offset}  ${l.failedAt}  ${l.headers['ce_type'] ?? '?'} ${l.headers['ce_id'] ?? '?'}  from ${l.originalTopic}/${l.originalPartition}@${l.originalOffset} (${l.consumerGroup})${sealNote(l)}`);
        out(`    ${l.reason}`);
      }
    }
    return 0;
  }
  const only = flag('--only');
  if (!rest.includes('--all') && !only) {
    out('replay needs --all or --only P:O[,P:O...]');
    return 2;
  }
  const selected = only?.split(',').map((s) => {
    const [partition, offset] = s.split(':');
    return { partition: Number(partition), offset };
  });
  const replayed = await replayDeadLetters(client, topic, { ...options, only: selected });
  const erased = replayed.filter((l) => l.sealed?.state === 'erased');
  out(`replayed ${replayed.length - erased.length} dead letter(s)${erased.length ? `; ${erased.length} erased, not replayed` : ''}`);
  for (const l of replayed) out(l.sealed?.state === 'erased' ? `${l.partition}:${l.offset} erased (its key was destroyed), not replayed` : `${l.partition}:${l.offset} -> ${l.originalTopic}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
