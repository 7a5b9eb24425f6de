import { randomBytes, randomUUID } from 'node:crypto';
import { DLQ_HEADERS, InboundAdviceSubmittedV1Dto, toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { dropDatabase, ensureDatabase } from '@tio/local-infra';
import {
  EventConsumer, EventHandlers, KafkaJsClient, PgUnitOfWork, SEALED_HEADER, ensureTopics, listDeadLetters, replayDeadLetters, type DeadLetter, type PgTransaction,
} from '@tio/messaging';
import { Pool } from 'pg';
import { main as deadLettersCli } from './cli/dead-letters';
import { caseOfRecord, DeadLetterSealer, deadLetterPeriodExpiresAt, deadLetterPeriodSubject, destroyExpiredDeadLetterKeys, sealedReason } from './dead-letter-seal';
import { PostgresKeyStore } from './key-store';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the Jest global setup provides it)`);
  return value;
};
async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('sealed dead letters (crypto-shredded with their case)', () => {
  const id = randomUUID().slice(0, 8);
  const KEYS_DB = `dl_keys_${id}`;
  const READ_DB = `dl_read_${id}`;
  const master = randomBytes(32);
  const kafka = new KafkaJsClient({ brokers: env('KAFKA_BROKERS'), clientId: `seal-${id}` });
  let keysUrl: string;
  let keys: PostgresKeyStore;
  let pool: Pool;
  const consumers: EventConsumer<PgTransaction>[] = [];

  beforeAll(async () => {
    keysUrl = await ensureDatabase(env('DATABASE_URL'), KEYS_DB);
    keys = await PostgresKeyStore.create({ connectionString: keysUrl, masterKey: master });
    pool = new Pool({ connectionString: await ensureDatabase(env('DATABASE_URL'), READ_DB), max: 4 });
  });
  afterAll(async () => {
    for (const c of consumers) await c.stop();
    await pool?.end();
    await keys?.close();
    await dropDatabase(env('DATABASE_URL'), KEYS_DB);
    await dropDatabase(env('DATABASE_URL'), READ_DB);
  });

  const marker = `MARKER-${randomUUID()}`;
  const nhsNumber = '9434765919';
  const needles = [marker, nhsNumber];
  const advice = (caseId: string, extra: Record<string, unknown> = {}): IntegrationEvent => ({
    id: randomUUID(), source: '/nhs/rlj/epr', type: 'health.advice-submitted.v1', subject: caseId, time: '2026-02-20T10:00:00.000Z', correlationId: randomUUID(),
    actor: { userId: 'system:rlj-epr', organisationId: 'nhs-trust-rlj', agency: 'health', role: 'system' },
    data: {
      caseId, adviceRequestId: randomUUID(), externalReference: 'RLJ-1', submittedAt: '2026-02-20T10:00:00.000Z', authorName: 'Dr A', authorRole: 'paediatrician',
      sections: [{ heading: 'Diagnosis', text: `NHS ${nhsNumber}. ${marker}` }], ...extra,
    },
  });
  /** Everything a raw reader of the dead-letter topic sees: key, every header, value. */
  const rawText = (l: DeadLetter) => [l.key ?? '', ...Object.entries(l.headers).map(([k, v]) => `${k}=${v}`), l.value ?? ''].join('|');
  const found = (text: string) => needles.filter((n) => text.includes(n));

  it('encrypts a rejected record with its case\'s key (reason included), opens it while the key exists, and says "erased" once it is destroyed', async () => {
    const topic = `tio.test.sealed-inbound-${id}`;
    await ensureTopics(kafka, [topic]);
    const [known, unknown, erased] = [randomUUID(), randomUUID(), randomUUID()];
    await keys.keyFor(known, { create: true });
    await keys.keyFor(erased, { create: true });
    await keys.destroy(erased, { userId: 'caseworker-1', ground: 'erasure-request' });

    // invalid (no authorRole) for a known case; not JSON at all (the parser's message quotes the value) for the same
    // case; invalid for a case with no key yet; invalid for an erased case
    const invalid = advice(known, { authorRole: '' });
    const notJson = { ...toKafkaRecord(advice(known)), value: Buffer.from(`${marker} ${nhsNumber} is not JSON`) };
    const forUnknown = advice(unknown, { authorRole: '' });
    const forErased = advice(erased, { authorRole: '' });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send([{ topic, messages: [toKafkaRecord(invalid), notJson, toKafkaRecord(forUnknown), toKafkaRecord(forErased)] }]);
    await producer.disconnect();

    const logs: string[] = [];
    const consumer = new EventConsumer<PgTransaction>({
      client: kafka, groupId: `seal-${id}`, topics: [topic], unitOfWork: new PgUnitOfWork(pool), unknownTypes: 'dead-letter',
      handlers: new EventHandlers<PgTransaction>().on('health.advice-submitted.v1', async () => undefined, { dto: InboundAdviceSubmittedV1Dto }),
      seal: new DeadLetterSealer(keys).seal,
      log: (m) => logs.push(m),
    });
    consumers.push(consumer);
    await consumer.start();
    await waitFor('three dead-lettered, one dropped', async () => consumer.stats.deadLettered === 3 && consumer.stats.dropped === 1);

    // what anyone reading the topic sees: no personal text, no reason that quotes it, only ids and where from
    const raw = await listDeadLetters(kafka, topic);
    expect(raw).toHaveLength(3);
    for (const l of raw) {
      expect({ offset: l.originalOffset, found: found(rawText(l)) }).toEqual({ offset: l.originalOffset, found: [] });
      expect(l.value).toMatch(/^\$enc:tio-aes-256-gcm\/v1:/);
      expect(l.reason).toMatch(/^\[sealed\] /);
    }
    const bySubject = (s: string) => raw.filter((l) => l.headers[SEALED_HEADER] === s);
    expect(bySubject(known)).toHaveLength(2);
    const period = deadLetterPeriodSubject(`${topic}.dlq`, new Date());
    expect(bySubject(period).map((l) => l.headers['ce_id'])).toEqual([forUnknown.id]);
    expect(bySubject(period)[0].key).toBe(unknown); // keyed by the case it names (no key of its own yet): ids are not personal
    expect(raw.map((l) => l.headers['ce_id'])).not.toContain(forErased.id);
    expect(bySubject(known).map((l) => l.reason).sort()).toEqual([
      '[sealed] invalid envelope (the dead-letters CLI shows the full reason while the key exists)',
      '[sealed] validation failed (the dead-letters CLI shows the full reason while the key exists)',
    ]);
    // the erased case's record: dropped, with its ids in the log, nothing personal
    expect(logs.join('\n')).toContain(`the personal data of case ${erased} was erased`);
    expect(logs.join('\n')).toContain(forErased.id);
    expect(found(logs.join('\n'))).toEqual([]);

    // while the key exists, the operator sees the records as they came, with the full reason
    const sealer = new DeadLetterSealer(keys);
    const opened = await listDeadLetters(kafka, topic, { unseal: sealer.unseal });
    const openInvalid = opened.find((l) => l.headers['ce_id'] === invalid.id)!;
    expect(openInvalid.sealed).toEqual({ subject: known, state: 'opened' });
    expect(openInvalid.key).toBe(known);
    expect(openInvalid.value).toContain(marker);
    expect(openInvalid.reason).toContain('authorRole (isLength');
    expect(opened.find((l) => l.value?.startsWith(marker))?.reason).toContain('invalid envelope: message value is not valid JSON');
    const cliEnv = { ...process.env, KEYSTORE_DATABASE_URL: keysUrl, TIO_MASTER_KEY: master.toString('base64') };
    const listed: string[] = [];
    expect(await deadLettersCli(['list', topic, '--brokers', env('KAFKA_BROKERS')], (l) => listed.push(l), cliEnv)).toBe(0);
    expect(listed[0]).toBe('3 dead letter(s)');
    expect(listed.join('\n')).toContain(`${invalid.id}  from ${topic}/`);
    expect(listed.join('\n')).toContain(`[sealed with the key of ${known}]`);
    expect(listed.join('\n')).toContain('authorRole (isLength');

    // replay opens the record: the original, in clear, back on its topic (here still invalid: dead-lettered again)
    const replayed: string[] = [];
    expect(await deadLettersCli(['replay', topic, '--only', `${openInvalid.partition}:${openInvalid.offset}`, '--brokers', env('KAFKA_BROKERS')], (l) => replayed.push(l), cliEnv)).toBe(0);
    expect(replayed[0]).toBe('replayed 1 dead letter(s)');
    await waitFor('the replayed record dead-lettered again, sealed', async () => consumer.stats.deadLettered === 4);

    // erasure destroys the key: the case's dead letters are unreadable, listed as erased, never replayed
    await keys.destroy(known, { userId: 'caseworker-1', ground: 'erasure-request' });
    const after = await listDeadLetters(kafka, topic, { unseal: sealer.unseal });
    expect(after.filter((l) => l.sealed?.state === 'erased')).toHaveLength(3);
    expect(after.filter((l) => l.sealed?.state === 'erased').every((l) => l.value === null)).toBe(true);
    expect(after.find((l) => l.headers['ce_id'] === forUnknown.id)?.sealed).toEqual({ subject: period, state: 'opened' });
    const listedAfter: string[] = [];
    await deadLettersCli(['list', topic, '--brokers', env('KAFKA_BROKERS')], (l) => listedAfter.push(l), cliEnv);
    expect(listedAfter.filter((l) => l.includes(`[erased: key of ${known} destroyed]`))).toHaveLength(3);
    const erasedReplay = await replayDeadLetters(kafka, topic, { unseal: sealer.unseal, only: after.filter((l) => l.sealed?.state === 'erased').map((l) => ({ partition: l.partition, offset: l.offset })) });
    expect(erasedReplay.every((l) => l.sealed?.state === 'erased')).toBe(true);
    const replayOut: string[] = [];
    await deadLettersCli(['replay', topic, '--all', '--brokers', env('KAFKA_BROKERS')], (l) => replayOut.push(l), cliEnv);
    expect(replayOut[0]).toBe('replayed 1 dead letter(s); 3 erased, not replayed');

    // a key per dead-letter topic and month for records whose case is unknown, destroyed after the month + retention
    const retentionMs = 14 * 24 * 60 * 60 * 1000;
    expect(await destroyExpiredDeadLetterKeys(keys, retentionMs)).toEqual([]);
    const expires = deadLetterPeriodExpiresAt(period, retentionMs)!;
    expect(await destroyExpiredDeadLetterKeys(keys, retentionMs, new Date(expires.getTime() + 1))).toContain(period);
    expect((await listDeadLetters(kafka, topic, { unseal: sealer.unseal })).find((l) => l.headers['ce_id'] === forUnknown.id)?.sealed).toEqual({ subject: period, state: 'erased' });
    // without the key store the CLI shows them sealed, and replay refuses rather than publishing ciphertext
    await expect(replayDeadLetters(kafka, topic)).rejects.toThrow(/is sealed: replay it where the key store is configured/);
  }, 120_000);

  it('gives a case the service knows, but that has no key yet, its key: erasing the case then shreds the letter too', async () => {
    const [knownHere, stranger] = [randomUUID(), randomUUID()];
    const sealer = new DeadLetterSealer(keys, { caseExists: async (caseId) => caseId === knownHere });
    const letterFor = (caseId: string) => {
      const headers = { [DLQ_HEADERS.reason]: 'validation failed: x', [DLQ_HEADERS.originalTopic]: 't', ce_subject: caseId };
      const source = { topic: 't', partition: 0, offset: '1', key: Buffer.from(caseId), value: Buffer.from(JSON.stringify({ caseId, text: marker })), headers, timestamp: '0' };
      return sealer.seal({ topic: 't.dlq', key: source.key, value: source.value, headers }, source);
    };
    const sealed = await letterFor(knownHere);
    if (!('sealed' in sealed)) throw new Error('expected a sealed letter');
    expect(sealed.sealed.headers[SEALED_HEADER]).toBe(knownHere);
    const other = await letterFor(stranger);
    expect('sealed' in other && other.sealed.headers[SEALED_HEADER]).toBe(deadLetterPeriodSubject('t.dlq', new Date()));
    expect((await keys.keyFor(stranger)).status).toBe('none'); // no key made for an id nobody knows
    await keys.destroy(knownHere, { userId: 'caseworker-1', ground: 'erasure-request' });
    const { key, value, headers } = sealed.sealed;
    expect(await sealer.unseal({ key, value, headers })).toMatchObject({ state: 'erased', subject: knownHere, record: { value: null } });
    expect(await letterFor(knownHere)).toEqual({ drop: expect.stringContaining(`the personal data of case ${knownHere} was erased`) });
  });

  it('knows the case only when the subject, the key and the payload agree', () => {
    const a = randomUUID();
    const rec = (key: string | null, value: string) => ({ key: key === null ? null : Buffer.from(key), value: Buffer.from(value) });
    expect(caseOfRecord(rec(a, JSON.stringify({ caseId: a })), { ce_subject: a })).toBe(a);
    expect(caseOfRecord(rec(null, 'not json'), { ce_subject: a.toUpperCase() })).toBe(a);
    expect(caseOfRecord(rec(a, JSON.stringify({ caseId: randomUUID() })), { ce_subject: a })).toBeUndefined();
    expect(caseOfRecord(rec('Robin Smith', '{}'), { ce_subject: 'Robin Smith' })).toBeUndefined();
  });

  it('keeps only the kind of failure and our rule code in the clear reason', () => {
    expect(sealedReason(`validation failed: sections[0].text (x: ${marker})`)).toBe('[sealed] validation failed (the dead-letters CLI shows the full reason while the key exists)');
    expect(sealedReason(`handler failed after 1 attempt(s): advice-already-submitted: ${marker}`)).toMatch(/^\[sealed\] handler failed: advice-already-submitted \(/);
    expect(sealedReason(`handler failed after 5 attempt(s): ${marker}: boom`)).toMatch(/^\[sealed\] handler failed \(/);
    expect(sealedReason(`${marker} anything else`)).toMatch(/^\[sealed\] rejected \(/);
  });

  it('names the dead-letter period key by topic and UTC month; it expires after the month plus the retention', () => {
    expect(deadLetterPeriodSubject('tio.health.inbound.v1.dlq', new Date('2026-11-30T23:59:59Z'))).toBe('dead-letters:tio.health.inbound.v1.dlq:2026-11');
    expect(deadLetterPeriodExpiresAt('dead-letters:tio.health.inbound.v1.dlq:2026-12', 86_400_000)?.toISOString()).toBe('2027-01-02T00:00:00.000Z');
    expect(deadLetterPeriodExpiresAt(randomUUID(), 1)).toBeUndefined();
  });

  it('seals without touching the fields a dead letter needs to be found: topic, partition, offset, group, attempts', async () => {
    const caseId = randomUUID();
    await keys.keyFor(caseId, { create: true });
    const headers = {
      [DLQ_HEADERS.reason]: `validation failed: ${marker}`, [DLQ_HEADERS.originalTopic]: 't', [DLQ_HEADERS.originalPartition]: '0', [DLQ_HEADERS.originalOffset]: '7',
      [DLQ_HEADERS.failedAt]: '2026-11-29T00:00:00.000Z', [DLQ_HEADERS.consumerGroup]: 'g', [DLQ_HEADERS.attempts]: '1', ce_subject: caseId, ce_source: `/x/${marker}`,
    };
    const source = { topic: 't', partition: 0, offset: '7', key: Buffer.from(caseId), value: Buffer.from(marker), headers, timestamp: '0' };
    const out = await new DeadLetterSealer(keys).seal({ topic: 't.dlq', key: source.key, value: source.value, headers }, source);
    if (!('sealed' in out)) throw new Error('expected a sealed letter');
    const { headers: clear } = out.sealed;
    expect(Object.keys(clear).sort()).toEqual([...Object.values(DLQ_HEADERS), SEALED_HEADER, 'ce_subject'].sort());
    expect(found(JSON.stringify(clear) + out.sealed.value!.toString())).toEqual([]);
  });
});
