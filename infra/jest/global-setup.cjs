// Gives integration tests a real PostgreSQL and Kafka broker. The test command starts them once and exports
// DATABASE_URL and KAFKA_BROKERS; when a single project is tested on its own (`npx nx test event-store`), this
// starts a private pair through the infra CLI and Jest's workers inherit the variables.
'use strict';
const { spawn } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  if (process.env.DATABASE_URL && process.env.KAFKA_BROKERS) return;
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
};
