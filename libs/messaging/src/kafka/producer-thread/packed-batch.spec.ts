import type { TopicMessages } from '../port';
import { packBatch, unpackBatch } from './packed-batch';

/** What crosses to the producer's thread: the batch through postMessage, its buffers transferred. */
function acrossThreads(batch: TopicMessages[]): TopicMessages[] {
  const packed = packBatch(batch);
  const received = structuredClone(packed, { transfer: [packed.bytes, packed.layout] });
  expect(packed.bytes.byteLength).toBe(0); // moved, not copied
  return unpackBatch(received);
}

/** Byte values compared as bytes (a Buffer arrives as a Buffer, a string as a string). */
const normalised = (batch: TopicMessages[]) =>
  batch.map((t) => ({
    topic: t.topic,
    messages: t.messages.map((m) => ({
      key: Buffer.isBuffer(m.key) ? ['bytes', m.key.toString('hex')] : m.key,
      value: Buffer.isBuffer(m.value) ? ['bytes', m.value.toString('hex')] : m.value,
      headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? ['bytes', v.toString('hex')] : v])),
      ...(m.timestamp === undefined ? {} : { timestamp: m.timestamp }),
    })),
  }));

describe('a batch packed for the producer thread', () => {
  it('given strings, bytes, nulls, no timestamp and no headers, when it crosses, then every message arrives as it was, topic by topic', () => {
    const batch: TopicMessages[] = [
      {
        topic: 'tio.case.events.v1',
        messages: [
          { key: 'case-1', value: Buffer.from('{"a":1}'), headers: { 'ce_id': 'e-1', 'content-type': 'application/json', 'ce_bytes': Buffer.from([0, 255, 10]) }, timestamp: '1700000000000' },
          { key: Buffer.from('case-2'), value: 'a string value', headers: {} },
          { key: null, value: null },
          { key: 'ünïcödé 🚸 案件', value: '', headers: { 'ce_subject': 'ünïcödé 🚸 案件', 'ce_empty': '' }, timestamp: '0' },
        ],
      },
      { topic: 'tio.empty.v1', messages: [] },
      { topic: 'tio.family.events.v1', messages: [{ key: 'case-3', value: Buffer.alloc(0), headers: { 'ce_id': 'e-3' } }] },
    ];
    expect(normalised(acrossThreads(batch))).toEqual(normalised(batch)); // a message without headers arrives with none
  });

  it('given more than its first buffers hold (2,000 records of 4 KB values and 20 headers), then all arrive intact', () => {
    const messages = Array.from({ length: 2000 }, (_, i) => ({
      key: `case-${i}`,
      value: Buffer.from(`${i}:`.padEnd(4096, String.fromCharCode(97 + (i % 26)))),
      headers: Object.fromEntries(Array.from({ length: 20 }, (_, h) => [`h${h}`, `${i}-${h}`])),
      timestamp: String(1_700_000_000_000 + i),
    }));
    const batch: TopicMessages[] = [{ topic: 't', messages }];
    expect(normalised(acrossThreads(batch))).toEqual(normalised(batch));
  });
});
