// Gives integration tests a real PostgreSQL and Kafka broker. The test command starts them once and exports
// DATABASE_URL and KAFKA_BROKERS; when a single project is tested on its own (`npx nx test event-store`), this
// starts a private pair through the infra CLI and Jest's workers inherit the variables.
'use strict';
const { spawn } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const { join } = require('node:path');

// Services encrypt personal fields with per-case keys held in a key store database of their own, wrapped with a
// master key from the environment. Tests get a random master key per run and a key store database for that master
// key (`tio_test_keys_<digest of the key>` in the cluster): subjects are mostly random case ids, but some are not
// (a month's dead-letter key, `dead-letters:<topic>:<yyyy-mm>`), and a key wrapped under another run's master key
// would not unwrap, so runs against a long-lived cluster never share a key store.
async function keyStoreForTests() {
  if (!process.env.TIO_MASTER_KEY) process.env.TIO_MASTER_KEY = randomBytes(32).toString('base64');
  if (process.env.KEYSTORE_DATABASE_URL) return;
  const database = `tio_test_keys_${createHash('sha256').update(process.env.TIO_MASTER_KEY).digest('hex').slice(0, 16)}`;
  const { Client } = require('pg');
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${database}`).catch((err) => { if (err.code !== '42P04' && err.code !== '23505') throw err; });
  } finally {
    await client.end();
  }
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${database}`;
  process.env.KEYSTORE_DATABASE_URL = url.toString();
}

module.exports = async function globalSetup() {
  if (process.env.DATABASE_URL && process.env.KAFKA_BROKERS) return keyStoreForTests();
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'libs/local-infra/src/cli.ts'), '--watch-stdin'], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.base.json') },
  });
  const vars = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('READY\n')) resolve(Object.fromEntries(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])));
    });
    child.on('exit', (code) => reject(new Error(`local infrastructure did not start (exit ${code}); see the message above`)));
  });
  Object.assign(process.env, vars);
  globalThis.__TIO_INFRA__ = child;
  await keyStoreForTests();
};
