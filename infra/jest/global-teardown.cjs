'use strict';
module.exports = async function globalTeardown() {
  const child = globalThis.__TIO_INFRA__;
  if (!child) return;
  await new Promise((resolve) => {
    child.on('exit', resolve);
    child.stdin.end(); // the infra CLI stops the broker and PostgreSQL when its stdin closes
  });
};
