#!/usr/bin/env node
// The README's two commands land here (`npm start` -> run, `npm test` -> test). Plain CommonJS with no
// dependencies, because it runs before anything is installed: it checks Node, installs the npm packages when
// node_modules is missing or older than package-lock.json, then hands over to the TypeScript entry point.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Node ${process.versions.node} is too old: Tell It Once needs Node >= 20.19 (22 and 24 work too).`);
  process.exit(1);
}

const stamp = join(root, 'node_modules', '.tio-installed');
const lock = join(root, 'package-lock.json');
const stale = !existsSync(stamp) || statSync(stamp).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.log('Installing npm packages (npm ci)...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('\n`npm ci` failed: the npm registry must be reachable (or a mirror set in .npmrc). See the output above.');
    process.exit(result.status ?? 1);
  }
  writeFileSync(stamp, new Date().toISOString());
}

const entries = { run: 'infra/scripts/run-system.ts', test: 'infra/scripts/run-tests.ts', infra: 'libs/local-infra/src/cli.ts', token: 'infra/scripts/mint-token.ts' };
const command = process.argv[2];
if (!entries[command]) {
  console.error(`usage: bootstrap.cjs ${Object.keys(entries).join('|')} [args]`);
  process.exit(2);
}
const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, entries[command]), ...process.argv.slice(3)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.base.json') },
});
// Signals are passed on (the child ignores a repeat, e.g. Ctrl-C reaching it through the process group too) and
// we wait for the child to finish its clean shutdown before exiting.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
