// Preloaded into the case service process by command-cost.bench.ts: answers the bench over IPC with this process's
// CPU time and starts/stops the V8 sampling profiler (inspector), so a profile covers only the measured commands.
'use strict';
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');

// the statements the service sends, counted by their text (op 'queries' returns and resets the counts)
const queries = new Map();
const pg = require('pg');
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(config, ...rest) {
  const text = typeof config === 'string' ? config : config?.text ?? config?.name ?? '?';
  const values = typeof config === 'string' ? rest[0] : config?.values;
  // checkpoint saves by subscription (the first parameter): the forwarder's apart from the reactions'
  const by = /checkpoints/.test(text) && Array.isArray(values) ? ` [${values[0]}]` : '';
  const key = String(text).replace(/\s+/g, ' ').slice(0, 110) + by;
  queries.set(key, (queries.get(key) ?? 0) + 1);
  return query.call(this, config, ...rest);
};

const session = new inspector.Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));

process.on('message', async (msg) => {
  try {
    if (msg.op === 'cpu') {
      const u = process.cpuUsage();
      process.send({ id: msg.id, cpuMicros: u.user + u.system });
    } else if (msg.op === 'queries') {
      process.send({ id: msg.id, queries: [...queries].sort((a, b) => b[1] - a[1]) });
      queries.clear();
    } else if (msg.op === 'profile-start') {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: msg.intervalMicros ?? 200 });
      await post('Profiler.start');
      process.send({ id: msg.id });
    } else if (msg.op === 'profile-stop') {
      const { profile } = await post('Profiler.stop');
      writeFileSync(msg.path, JSON.stringify(profile));
      process.send({ id: msg.id });
    }
  } catch (err) {
    process.send({ id: msg.id, error: String(err) });
  }
});
