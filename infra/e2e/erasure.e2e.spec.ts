import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS, toKafkaRecord, type IntegrationEvent } from '@tio/contracts';
import { dropDatabase, ensureDatabase, freePort } from '@tio/local-infra';
import { KafkaJsClient, listDeadLetters, type ConsumedMessage } from '@tio/messaging';
import { DeadLetterSealer, masterKeyFrom, PostgresKeyStore } from '@tio/personal-data';
import { consumeUntil, testKeys, tokenFor, waitFor } from '@tio/testing';
import { Pool } from 'pg';
import { startService, stopService, waitReady, type RunningService } from '../scripts/service-processes';
import { SERVICES } from '../scripts/services';

/**
 * Erasure by crypto-shredding, end to end, on real PostgreSQL and Kafka with every service as its own process:
 * a case with the child's date of birth, name and NHS number; the family's views (case service); medical advice
 * from the NHS trust's system on the health inbound topic, then corrected over HTTP. Every personal text carries a
 * unique marker. After the case officer erases the case's personal data, neither the marker nor the child's
 * details can be found in any table of any database the test used, in any topic it used, or in any service log,
 * while the case history still replays, the hash chains verify, the timeline shows its entries and the personal
 * fields read as "[erased]". That includes what the NHS system sent that was refused: a record dead-lettered before
 * the erasure (sealed with the case's key, so shredded with it) and records that break a rule after it (dropped,
 * never dead-lettered); every topic is read from the beginning, dead-letter topics included.
 */
describe('erasure: personal data cannot be read back from any store or topic, the history stays whole', () => {
  const LA = 'E10000028';
  const NHS = 'nhs-trust-rlj';
  const prefix = `erase-${randomUUID().slice(0, 8)}.`;
  const cluster = process.env['DATABASE_URL'] as string;
  const kafka = new KafkaJsClient({ brokers: process.env['KAFKA_BROKERS'] as string, topicPrefix: prefix });
  const names = ['case', 'health', 'timeline', 'audit'] as const;
  const running: RunningService[] = [];
  const databases: Record<string, string> = {};
  const dbNames: string[] = [];
  const url: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  let logDir: string;

  const marker = `MARKER-${randomUUID()}`;
  const child = { dateOfBirth: '2011-07-23', name: `Robin ${marker}`, nhsNumber: '9434765919' };
  const needles = [marker, child.dateOfBirth, child.nhsNumber];

  beforeAll(async () => {
    const { publicKeyPem } = await testKeys();
    logDir = mkdtempSync(join(tmpdir(), 'tio-erasure-e2e-'));
    for (const name of [...names, 'keys']) {
      const db = `erase_${name.replace('-', '_')}_${randomUUID().slice(0, 6)}`;
      dbNames.push(db);
      databases[name] = await ensureDatabase(cluster, db);
    }
    const common = {
      ...process.env, KAFKA_TOPIC_PREFIX: prefix, JWT_PUBLIC_KEY: publicKeyPem, KEYSTORE_DATABASE_URL: databases['keys'], LOG_LEVEL: 'log',
      INBOUND_PURGE_INTERVAL_MS: '500',
    };
    const extra: Record<string, Record<string, string>> = {
      // consumer groups are not prefixed: one of its own for this test's timeline
      timeline: { TIMELINE_CONSUMER_GROUP: `${prefix}tio-timeline` },
      audit: { AUDIT_EVENT_STORES: `case=${databases['case']},health=${databases['health']}`, AUDIT_TIMELINE_DATABASE_URL: databases['timeline'] },
    };
    // the writers first (they create the topics), then the readers
    for (const group of [['case', 'health'], ['timeline', 'audit']]) {
      const started: RunningService[] = [];
      for (const name of group) {
        const entry = SERVICES.find((s) => s.name === name)!;
        const port = await freePort();
        started.push(await startService(entry, port, logDir, { ...common, ...extra[name], DATABASE_URL: databases[name] }));
        url[name] = `http://127.0.0.1:${port}`;
      }
      running.push(...started);
      await Promise.all(started.map((s) => waitReady(s, 240_000)));
    }
    tokens['la'] = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: LA, userId: 'caseworker-1' });
    tokens['otherLa'] = await tokenFor({ agency: 'local-authority', roles: ['case-officer'], organisationId: 'E08000025', userId: 'elsewhere-1' });
    tokens['doctor'] = await tokenFor({ agency: 'health', roles: ['practitioner'], organisationId: NHS, userId: 'dr-okafor' });
    tokens['auditor'] = await tokenFor({ agency: 'local-authority', roles: ['auditor'], organisationId: LA, userId: 'auditor-1' });
  }, 300_000);

  afterAll(async () => {
    await Promise.all(running.map(stopService));
    for (const db of dbNames) await dropDatabase(cluster, db);
  });

  async function call(service: string, method: string, path: string, token: string, body?: object, idempotencyKey = `erase-e2e-${randomUUID()}`) {
    const res = await fetch(`${url[service]}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(method === 'POST' ? { 'idempotency-key': idempotencyKey } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, text, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
  }
  const ok = async (p: ReturnType<typeof call>, status = [200, 201]) => {
    const res = await p;
    if (!status.includes(res.status)) throw new Error(`${res.status}: ${res.text}`);
    return res.body;
  };

  /** Every row of every table of a database, as text (jsonb, bytea as hex, everything). */
  async function databaseText(databaseUrl: string): Promise<string> {
    const pool = new Pool({ connectionString: databaseUrl, max: 1 });
    try {
      const { rows: tables } = await pool.query<{ s: string; t: string }>(
        `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
          WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      const parts: string[] = [];
      for (const { s, t } of tables) {
        const { rows } = await pool.query<{ r: string }>(`SELECT x::text AS r FROM "${s}"."${t}" x`);
        parts.push(`## ${s}.${t}\n${rows.map((r) => r.r).join('\n')}`);
      }
      return parts.join('\n');
    } finally {
      await pool.end();
    }
  }

  /** Every record still readable on every topic of this test (key, headers and value bytes), from the beginning. */
  async function topicsText(): Promise<Record<string, string>> {
    const admin = kafka.admin();
    await admin.connect();
    const out: Record<string, string> = {};
    try {
      for (const topic of await admin.listTopics()) {
        const readable = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(BigInt(p.high) - BigInt(p.low)), 0);
        if (readable === 0) {
          out[topic] = '';
          continue;
        }
        const messages = await consumeUntil(kafka, topic, (ms: ConsumedMessage[]) => ms.length >= readable, 60_000);
        out[topic] = messages
          .map((m) => [String(m.key ?? ''), ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}=${String(v)}`), m.value ? Buffer.from(m.value).toString('latin1') : ''].join('|'))
          .join('\n');
      }
    } finally {
      await admin.disconnect();
    }
    return out;
  }

  async function sendInbound(event: IntegrationEvent): Promise<void> {
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send([{ topic: TOPICS.healthInbound, messages: [toKafkaRecord(event)] }]);
    } finally {
      await producer.disconnect();
    }
  }

  /** Records written to a topic so far (its end offsets), whether or not some were deleted since. */
  async function recordsIn(topic: string): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    } catch {
      return 0; // not created yet
    } finally {
      await admin.disconnect();
    }
  }

  const found = (text: string) => needles.filter((n) => text.includes(n));
  /** Which tables (`## schema.table` sections) hold a needle, and the needles: what a failure should say. */
  const foundIn = (text: string) =>
    text.split('\n## ').flatMap((section) => found(section).map((n) => `${section.slice(0, section.indexOf('\n')).replace(/^## /, '')}: ${n}`));

  it('erases by destroying the key: nothing personal reads back anywhere, replay, chains and the timeline still work', async () => {
    const caseId = randomUUID();
    const medical = randomUUID();
    const views = randomUUID();
    const lifecycle = (path: string, body: object) => ok(call('case', 'POST', `/cases/${caseId}${path}`, tokens['la'], body));

    // the child's details are validated like any input: 400 naming the field
    const request = { at: '2026-01-05', childRef: 'child:erase-1', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' } };
    for (const [bad, field] of [
      [{ dateOfBirth: '23/07/2011' }, 'child.dateOfBirth'], [{ dateOfBirth: '2026-02-01' }, 'child.dateOfBirth'], [{ dateOfBirth: '2011-07-23', nhsNumber: '9434765918' }, 'child.nhsNumber'],
      [{ dateOfBirth: '2011-07-23', nhsNumber: '94347659' }, 'child.nhsNumber'], [{ name: 'No date of birth' }, 'child.dateOfBirth'],
    ] as const) {
      const res = await call('case', 'POST', '/cases', tokens['la'], { ...request, caseId: randomUUID(), child: bad });
      expect({ status: res.status, field: res.text.includes(field) }).toEqual({ status: 400, field: true });
    }
    expect((await call('case', 'POST', '/cases', tokens['la'], { ...request, caseId: randomUUID(), child: 'Robin' })).status).toBe(400);

    // the request, with the child's personal details
    await ok(call('case', 'POST', '/cases', tokens['la'], { caseId, at: '2026-01-05', childRef: 'child:erase-1', localAuthority: LA, source: 'parent', requestedBy: { role: 'parent' }, child }));
    await lifecycle('/decision-to-assess', { at: '2026-01-26' });
    await lifecycle('/advice-requests', { at: '2026-01-26', agency: 'health', adviceType: 'medical', adviceRequestId: medical });
    await lifecycle('/advice-requests', { at: '2026-01-26', agency: 'local-authority', adviceType: 'parent-views', adviceRequestId: views });

    // the views of the child and family, recorded by the caseworker in the case service
    await waitFor('the case service to see the parent-views request', async () => (await call('case', 'GET', `/cases/${caseId}/advice-requests`, tokens['la'])).text.includes(views), 60_000);
    await ok(call('case', 'POST', `/cases/${caseId}/advice`, tokens['la'], {
      at: '2026-02-02', adviceRequestId: views, adviceType: 'parent-views', sections: [{ heading: 'What matters to me', text: `Robin loves trains. ${marker}` }],
    }));

    // the NHS trust's system sends its medical advice on the health inbound topic, in clear (not ours to encrypt)
    await waitFor('health to see its advice request', async () => (await call('health', 'GET', `/cases/${caseId}/advice-requests`, tokens['doctor'])).text.includes(medical), 60_000);
    const inbound: IntegrationEvent = {
      id: randomUUID(), source: '/nhs/rlj/epr', type: 'health.advice-submitted.v1', subject: caseId, time: '2026-02-20T10:00:00.000Z', correlationId: randomUUID(),
      actor: { userId: 'system:rlj-epr', organisationId: NHS, agency: 'health', role: 'system' },
      data: {
        caseId, adviceRequestId: medical, externalReference: 'RLJ-ADV-ERASE', submittedAt: '2026-02-20T10:00:00.000Z', authorName: 'Community paediatrics', authorRole: 'paediatrician',
        authorRef: 'rlj-user-9', sections: [{ heading: 'Diagnosis', text: `Autism spectrum condition. ${marker}` }],
      },
    };
    await sendInbound(inbound);
    await waitFor('health to record the inbound advice', async () => (await call('health', 'GET', `/cases/${caseId}/advice/medical/history`, tokens['doctor'])).text.includes(marker), 60_000);
    // ... and a record it gets wrong (no author role), with the child's details in it: refused, dead-lettered
    const refused: IntegrationEvent = {
      ...inbound, id: randomUUID(), time: '2026-02-21T10:00:00.000Z',
      data: { ...(inbound.data as object), externalReference: 'RLJ-ADV-BAD', authorRole: '', sections: [{ heading: 'Patient', text: `${child.name}, NHS ${child.nhsNumber}, born ${child.dateOfBirth}` }] },
    };
    await sendInbound(refused);
    const healthDlq = `${TOPICS.healthInbound}.dlq`;
    await waitFor('the refused inbound record to be dead-lettered', async () => (await recordsIn(healthDlq)) === 1, 60_000);
    // sealed with the case's key: whoever holds the key store opens it, the topic alone shows nothing personal
    const keys = await PostgresKeyStore.create({ connectionString: databases['keys'], masterKey: masterKeyFrom() });
    try {
      const [letter] = await listDeadLetters(kafka, TOPICS.healthInbound, { unseal: new DeadLetterSealer(keys).unseal });
      expect(letter).toMatchObject({ sealed: { subject: caseId, state: 'opened' }, headers: { ce_id: refused.id } });
      expect(letter.value).toContain(child.nhsNumber);
      expect(letter.reason).toContain('authorRole');
    } finally {
      await keys.close();
    }
    const [sealedLetter] = await listDeadLetters(kafka, TOPICS.healthInbound);
    expect(found(JSON.stringify(sealedLetter))).toEqual([]);
    // ... and corrected by the paediatrician over HTTP, with a reason
    await ok(call('health', 'POST', `/cases/${caseId}/advice/medical/corrections`, tokens['doctor'], {
      at: '2026-02-24', reason: `Diagnosis confirmed in clinic ${marker}`, sections: [{ heading: 'Diagnosis', text: `Autism spectrum condition, confirmed. ${marker}` }],
    }));
    await waitFor('the case to record the corrected advice', async () => {
      const res = await call('case', 'GET', `/cases/${caseId}`, tokens['la']);
      return Object.values(res.body?.state?.adviceRequests ?? {}).some((r: any) => r.adviceRequestId === medical && r.current?.version === 2);
    }, 60_000);

    // before erasure: the services that hold the key read it back; the stores and the published events never held it
    const caseBefore = await ok(call('case', 'GET', `/cases/${caseId}`, tokens['la']));
    expect(caseBefore.state.child).toEqual(child);
    expect((await call('health', 'GET', `/cases/${caseId}/advice/medical/history`, tokens['doctor'])).text).toContain(`Diagnosis confirmed in clinic ${marker}`);
    expect((await call('case', 'GET', `/cases/${caseId}/advice/parent-views/history`, tokens['la'])).text).toContain(`Robin loves trains. ${marker}`);
    for (const name of ['case', 'health', 'timeline', 'keys']) {
      const text = await databaseText(databases[name]);
      if (name !== 'timeline') expect(text).toContain(caseId); // the scan does read the rows (the timeline may still be catching up)
      expect({ name, found: foundIn(text) }).toEqual({ name, found: [] });
    }
    // the inbound record is deleted from its topic once processed (DeleteRecords up to the committed offset)
    await waitFor('the processed inbound record to be deleted from the inbound topic', async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchTopicOffsets(TOPICS.healthInbound);
        return offsets.some((p) => BigInt(p.high) > 0n) && offsets.every((p) => p.low === p.high);
      } finally {
        await admin.disconnect();
      }
    }, 60_000);

    // retention: date of birth + 31 years (RETENTION_YEARS_AFTER_BIRTH)
    const notYet = await ok(call('case', 'GET', '/personal-data/retention?asOf=2042-07-22', tokens['la']));
    expect(notYet.due.map((d: { caseId: string }) => d.caseId)).not.toContain(caseId);
    const due = await ok(call('case', 'GET', '/personal-data/retention?asOf=2042-07-23', tokens['la']));
    expect(due).toMatchObject({ retentionYearsAfterBirth: 31 });
    expect(due.due).toContainEqual({ caseId, localAuthority: LA, retentionEndsOn: '2042-07-23' });
    expect((await ok(call('case', 'GET', '/personal-data/retention?asOf=2042-07-23', tokens['otherLa']))).due).toEqual([]);

    // who may erase: a case officer of the responsible LA only
    const erase = (token: string) => call('case', 'POST', `/cases/${caseId}/personal-data-erasure`, token, { ground: 'erasure-request' });
    expect((await erase(tokens['auditor'])).status).toBe(403);
    expect((await erase(tokens['doctor'])).status).toBe(403);
    expect((await erase(tokens['otherLa'])).status).toBe(403);
    expect((await call('case', 'POST', `/cases/${caseId}/personal-data-erasure`, tokens['la'], { ground: 'because' })).status).toBe(400);
    const key = `erase-e2e-${randomUUID()}`;
    const erased = await ok(call('case', 'POST', `/cases/${caseId}/personal-data-erasure`, tokens['la'], { ground: 'erasure-request' }, key));
    expect(erased).toMatchObject({ caseId, erasedBy: 'caseworker-1', ground: 'erasure-request', alreadyErased: false });
    // a retry with the same Idempotency-Key (the answer was lost) names the same erasure: recognised, nothing new
    const retried = await ok(call('case', 'POST', `/cases/${caseId}/personal-data-erasure`, tokens['la'], { ground: 'erasure-request' }, key));
    expect(retried).toMatchObject({ caseId, alreadyErased: true, revision: erased.revision });
    expect(await ok(erase(tokens['la']))).toMatchObject({ alreadyErased: true });

    // the personal fields read as erased wherever they are loaded; the case and its clock still work
    const caseAfter = await ok(call('case', 'GET', `/cases/${caseId}`, tokens['la']));
    expect(caseAfter.state.child).toEqual({ dateOfBirth: '[erased]', name: '[erased]', nhsNumber: '[erased]' });
    expect(caseAfter.state.personalDataErased).toMatchObject({ ground: 'erasure-request' });
    expect(caseAfter.state.adviceRequests[medical].current.version).toBe(2);
    const history = await ok(call('health', 'GET', `/cases/${caseId}/advice/medical/history`, tokens['doctor']));
    expect(JSON.stringify(history)).toContain('[erased]');
    expect(found(JSON.stringify(history))).toEqual([]);
    const familyViews = await ok(call('case', 'GET', `/cases/${caseId}/advice/parent-views/history`, tokens['la']));
    expect(JSON.stringify(familyViews)).toContain('[erased]');
    expect(found(JSON.stringify(familyViews))).toEqual([]);
    // nothing personal can be added any more: a clear refusal, never a 500
    const late = await call('health', 'POST', `/cases/${caseId}/advice/medical/corrections`, tokens['doctor'], { reason: 'Another thought', sections: [{ heading: 'Diagnosis', text: 'New text' }] });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('personal-data-erased');
    // ... and the same from the NHS system: dropped, not dead-lettered (a dead letter would keep its text in clear)
    const lateInbound: IntegrationEvent = {
      ...inbound, id: randomUUID(), type: 'health.advice-corrected.v1', time: '2026-03-02T10:00:00.000Z',
      data: {
        caseId, adviceRequestId: medical, externalReference: 'RLJ-ADV-ERASE', correctionReference: 'RLJ-ADV-ERASE-C2', correctedAt: '2026-03-02T10:00:00.000Z', authorRef: 'rlj-user-9',
        authorRole: 'paediatrician', reason: `Late thought ${marker}`, sections: [{ heading: 'Diagnosis', text: `Late text ${marker}` }],
      },
    };
    await sendInbound(lateInbound);
    // records that break a rule, for the erased case: a second submission (the advice is already recorded) and one
    // that fails validation; dropped with their ids logged, never dead-lettered (a dead letter would keep them)
    const secondSubmission: IntegrationEvent = { ...inbound, id: randomUUID(), data: { ...(inbound.data as object), externalReference: 'RLJ-ADV-ERASE-2', sections: [{ heading: 'Again', text: `Second ${marker} ${child.nhsNumber}` }] } };
    const invalidAfter: IntegrationEvent = { ...refused, id: randomUUID(), data: { ...(refused.data as object), externalReference: 'RLJ-ADV-BAD-2' } };
    await sendInbound(secondSubmission);
    await sendInbound(invalidAfter);
    await waitFor('the records sent after erasure to be handled and deleted from the inbound topic', async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const offsets = await admin.fetchTopicOffsets(TOPICS.healthInbound);
        return offsets.reduce((n, p) => n + Number(p.high), 0) >= 5 && offsets.every((p) => p.low === p.high);
      } finally {
        await admin.disconnect();
      }
    }, 60_000);
    expect(await recordsIn(healthDlq)).toBe(1);
    const healthLog = readFileSync(join(logDir, 'health.log'), 'utf8');
    for (const dropped of [lateInbound, secondSubmission, invalidAfter]) expect({ id: dropped.id, logged: healthLog.includes(dropped.id) }).toEqual({ id: dropped.id, logged: true });
    expect((await ok(call('case', 'GET', '/personal-data/retention?asOf=2042-07-23', tokens['la']))).due.map((d: { caseId: string }) => d.caseId)).not.toContain(caseId);

    // the audit replays the whole history (personal fields "[erased]") and every hash chain verifies
    const audit = await waitFor('the audit to see the erasure', async () => {
      const res = await call('audit', 'GET', `/cases/${caseId}/history`, tokens['auditor']);
      return res.status === 200 && res.text.includes('ehc.personal-data-erased.v1') ? res : undefined;
    }, 30_000);
    expect(audit.text).toContain('[erased]');
    expect(audit.text).toContain('advice.corrected.v1');
    expect(found(audit.text)).toEqual([]);
    const integrity = await ok(call('audit', 'GET', `/cases/${caseId}/integrity`, tokens['auditor']));
    expect(JSON.stringify(integrity)).not.toMatch(/"valid":false/);
    expect(JSON.stringify(integrity)).toMatch(/"valid":true/);

    // the timeline still shows the case's entries, the erasure included
    let lastTimeline = '';
    const timeline = await waitFor('the timeline to show the erasure', async () => {
      const res = await call('timeline', 'GET', `/cases/${caseId}/timeline`, tokens['la']);
      lastTimeline = `${res.status} ${res.text.slice(0, 500)}`;
      return res.status === 200 && res.text.includes("personal data was erased") ? res : undefined;
    }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; last answer: ${lastTimeline}`);
    });
    expect(timeline.text).toContain('Request for an EHC needs assessment received');
    expect(timeline.text).toMatch(/advice/i);
    expect(timeline.text).toContain("reason recorded in the agency's own record"); // an encrypted reason, never its ciphertext
    expect(timeline.text).not.toContain('$enc:');

    // and nothing personal can be read back from any database, any topic or any log
    for (const name of ['case', 'health', 'timeline', 'audit', 'keys']) {
      expect({ name, found: foundIn(await databaseText(databases[name])) }).toEqual({ name, found: [] });
    }
    const keyRows = await databaseText(databases['keys']);
    expect(keyRows).toContain(caseId); // the tombstone: who, when, why
    expect(keyRows).toContain('caseworker-1');
    const topics = await topicsText();
    expect(Object.keys(topics)).toEqual(expect.arrayContaining([TOPICS.caseEvents, TOPICS.healthEvents, TOPICS.healthInbound, healthDlq]));
    expect(topics[healthDlq]).toContain(refused.id); // the dead letter is still there, read from the beginning: unreadable
    expect(topics[healthDlq]).toContain('$enc:tio-aes-256-gcm/v1:');
    // and with the key store it now reads as erased: nothing left to open or replay
    const keysAfter = await PostgresKeyStore.create({ connectionString: databases['keys'], masterKey: masterKeyFrom() });
    try {
      expect((await listDeadLetters(kafka, TOPICS.healthInbound, { unseal: new DeadLetterSealer(keysAfter).unseal })).map((l) => l.sealed)).toEqual([{ subject: caseId, state: 'erased' }]);
    } finally {
      await keysAfter.close();
    }
    expect(topics[TOPICS.caseEvents]).toContain(caseId); // the scan does read the records
    expect(topics[TOPICS.caseEvents]).toContain('$enc:tio-aes-256-gcm/v1:'); // the published personal fields are envelopes
    for (const [topic, text] of Object.entries(topics)) expect({ topic, found: found(text) }).toEqual({ topic, found: [] });
    for (const file of readdirSync(logDir)) expect({ file, found: found(readFileSync(join(logDir, file), 'utf8')) }).toEqual({ file, found: [] });
  }, 300_000);

  it('the retention job erases every case whose retention period (date of birth + 31 years) has ended, and only those', async () => {
    const [old, older, young] = [randomUUID(), randomUUID(), randomUUID()];
    for (const [caseId, dateOfBirth] of [[old, '1994-01-10'], [older, '1993-02-02'], [young, '2015-05-05']]) {
      await ok(call('case', 'POST', '/cases', tokens['la'], { caseId, at: '2026-01-05', childRef: `child:${caseId.slice(0, 8)}`, localAuthority: LA, source: 'young-person', requestedBy: { role: 'young person' }, child: { dateOfBirth } }));
    }
    const listed = await ok(call('case', 'GET', '/personal-data/retention', tokens['la']));
    expect(listed.due).toContainEqual({ caseId: old, localAuthority: LA, retentionEndsOn: '2025-01-10' });
    expect(listed.due.map((d: { caseId: string }) => d.caseId)).not.toContain(young);

    expect((await call('case', 'POST', '/personal-data/retention/erasures', tokens['auditor'])).status).toBe(403);
    const job = await tokenFor({ agency: 'system', roles: ['service'], organisationId: 'tio-retention-job', userId: 'retention-job' });
    // one keyed request erases both cases due (each erasure keyed by the request's key and its case)
    const run = await ok(call('case', 'POST', '/personal-data/retention/erasures', job));
    expect(run.erased).toEqual([
      expect.objectContaining({ caseId: older, ground: 'retention-period-ended', erasedBy: 'retention-job', alreadyErased: false }),
      expect.objectContaining({ caseId: old, ground: 'retention-period-ended', erasedBy: 'retention-job', alreadyErased: false }),
    ]);
    expect((await ok(call('case', 'GET', `/cases/${older}`, tokens['la']))).state.personalDataErased).toMatchObject({ ground: 'retention-period-ended' });

    const erased = await ok(call('case', 'GET', `/cases/${old}`, tokens['la']));
    expect(erased.state.child).toEqual({ dateOfBirth: '[erased]' });
    expect(erased.state.personalDataErased).toMatchObject({ ground: 'retention-period-ended' });
    expect((await ok(call('case', 'GET', `/cases/${young}`, tokens['la']))).state.child).toEqual({ dateOfBirth: '2015-05-05' });
    expect((await ok(call('case', 'POST', '/personal-data/retention/erasures', job))).erased).toEqual([]);
  }, 120_000);
});
