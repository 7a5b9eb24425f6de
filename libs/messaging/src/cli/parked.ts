// `dead-letters parked ...`: records a consumer kept in its database (parked_messages), by coordinates.
//   dead-letters parked list [<topic>] [--all] [--json] --database <consumer's database URL>
//   dead-letters parked skip <topic> P:O --database <url>
//   dead-letters parked replay <topic> P:O --database <url> [--brokers host:port]
// The database is the consuming service's own (DATABASE_URL of that service, e.g. tio_education).
import { Pool } from 'pg';
import { PgUnitOfWork } from '../consumer/unit-of-work';
import type { DeadLetterReadOptions } from '../dead-letters/dead-letters';
import { listParked, parseCoordinates, replayParked, skipParked } from '../dead-letters/parked-operations';
import type { ParkedMessage } from '../dead-letters/parked-messages';
import { KafkaJsClient } from '../kafka/kafkajs-adapter';

export const PARKED_USAGE =
  'usage: dead-letters parked list [<topic>] [--all] [--json] --database <url>\n' +
  '       dead-letters parked skip <topic> P:O --database <url>\n' +
  '       dead-letters parked replay <topic> P:O --database <url> [--brokers host:port]';

const line = (p: ParkedMessage) =>
  `${p.topic} ${p.partition}:${p.offset}  ${p.status}  ${p.createdAt}  ${p.headers['ce_type'] ?? '?'} ${p.headers['ce_id'] ?? '?'}  ${p.valueBytes} bytes sha256 ${p.valueSha256.slice(0, 16)}…  (${p.consumerGroup})`;

export async function parkedMain(argv: string[], out: (line: string) => void, options: DeadLetterReadOptions = {}): Promise<number> {
  const [command, ...rest] = argv;
  const flag = (name: string) => {
    const i = rest.indexOf(name);
    return i >= 0 ? (rest[i + 1] ?? '') : undefined;
  };
  const positional = rest.filter((a, i) => !a.startsWith('--') && !(i > 0 && ['--database', '--brokers'].includes(rest[i - 1])));
  const database = flag('--database') ?? process.env['DATABASE_URL'];
  if (!command || !['list', 'skip', 'replay'].includes(command) || (command !== 'list' && positional.length !== 2)) {
    out(PARKED_USAGE);
    return 2;
  }
  if (!database) {
    out('no database: pass --database <url of the consuming service\'s database> or set DATABASE_URL');
    return 2;
  }
  const pool = new Pool({ connectionString: database, max: 1 });
  const uow = new PgUnitOfWork(pool);
  try {
    if (command === 'list') {
      const rows = await listParked(uow, { topic: positional[0], status: rest.includes('--all') ? undefined : 'parked' });
      if (rest.includes('--json')) for (const r of rows) out(JSON.stringify({ ...r, key: r.key?.toString('utf8') ?? null, value: undefined }));
      else {
        out(`${rows.length} ${rest.includes('--all') ? 'kept' : 'parked'} record(s)`);
        for (const r of rows) {
          out(line(r));
          out(`    ${r.reason}`);
        }
      }
      return 0;
    }
    const at = parseCoordinates(positional[0], positional[1]);
    if (command === 'skip') {
      const skipped = await skipParked(uow, at);
      out(`skipped ${at.topic} ${at.partition}:${at.offset} (${skipped.map((r) => r.consumerGroup).join(', ')})`);
      return 0;
    }
    const brokers = flag('--brokers') ?? process.env['KAFKA_BROKERS'];
    if (!brokers) {
      out('no broker: pass --brokers host:port or set KAFKA_BROKERS');
      return 2;
    }
    const client = new KafkaJsClient({ brokers, clientId: 'tio-dead-letters-cli', topicPrefix: process.env['KAFKA_TOPIC_PREFIX'] });
    await replayParked(uow, client, at, options);
    out(`replayed ${at.topic} ${at.partition}:${at.offset} -> ${at.topic}`);
    return 0;
  } finally {
    await pool.end();
  }
}
