import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Keyed anchoring of the hash chains. The SHA-256 chain alone proves nothing against someone who can write the
 * database: they can change an event and recompute every later hash and the stream head. Each append therefore also
 * stores an HMAC-SHA-256, under a key that is never in any event-store database, over (stream, revision, hash) of
 * every event it writes and of the stream's new head. Without the key a rewritten event, a renumbered stream or a
 * rewound head cannot carry a valid MAC.
 *
 * The key: `TIO_CHAIN_KEY` (base64 of 32 bytes) when set, otherwise derived from `TIO_MASTER_KEY` with HKDF-SHA-256
 * under its own label. The master key is already held, from the environment only, by exactly the processes that need
 * the chain key (every service that appends, and the audit that verifies); the label keeps the two uses apart
 * (knowing the MAC key reveals nothing about the master key). Set `TIO_CHAIN_KEY` where the holders must differ, e.g.
 * an auditor who verifies without being able to unwrap data keys, or before rotating the master key.
 */
export const CHAIN_KEY_VAR = 'TIO_CHAIN_KEY';
const MASTER_KEY_VAR = 'TIO_MASTER_KEY';
const HKDF_LABEL = 'tio/event-store/chain-mac/v1';
const EVENT_DOMAIN = 'tio/event-store/event/v1';
const HEAD_DOMAIN = 'tio/event-store/head/v1';

function base64Key(name: string, value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== value.trim().replace(/=+$/, '')) {
    throw new Error(`${name} must be base64 of exactly 32 bytes`);
  }
  return key;
}

/** The chain MAC key from the environment (see above); throws naming the variables when neither is set. */
export function chainKeyFrom(env: NodeJS.ProcessEnv = process.env): Buffer {
  const own = env[CHAIN_KEY_VAR]?.trim();
  if (own) return base64Key(CHAIN_KEY_VAR, own);
  const master = env[MASTER_KEY_VAR]?.trim();
  if (!master) throw new Error(`${CHAIN_KEY_VAR} (or ${MASTER_KEY_VAR}, from which it is derived) is not set: the key that authenticates the event stores' hash chains`);
  return Buffer.from(hkdfSync('sha256', base64Key(MASTER_KEY_VAR, master), Buffer.alloc(0), HKDF_LABEL, 32));
}

// Stream names never contain NUL (see stream-name.ts) and hashes are hex, so the fields cannot run into each other.
function mac(key: Buffer, domain: string, streamName: string, revision: number, hash: string | null): string {
  return createHmac('sha256', key).update(`${domain}\0${streamName}\0${revision}\0${hash ?? ''}`, 'utf8').digest('hex');
}

/** MAC stored with each event: it vouches that the key holder wrote this hash at this revision of this stream. */
export function eventMac(key: Buffer, streamName: string, revision: number, hash: string): string {
  return mac(key, EVENT_DOMAIN, streamName, revision, hash);
}

/**
 * MAC of a stream head. A separate domain from the events' MACs, so an attacker who cuts the tail off cannot make
 * the head valid by copying the MAC of the new last event.
 */
export function headMac(key: Buffer, streamName: string, revision: number, hash: string | null): string {
  return mac(key, HEAD_DOMAIN, streamName, revision, hash);
}

export function macMatches(expected: string, stored: string | null | undefined): boolean {
  if (typeof stored !== 'string' || stored.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected, 'utf8'), Buffer.from(stored, 'utf8'));
}
