import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { Pool } from 'pg';
import type { HealthCheck } from './health';

export function postgresCheck(pool: Pool, name = 'postgres'): HealthCheck {
  return { name, check: async () => void (await pool.query('SELECT 1')) };
}

/** Keeps one admin connection and asks the cluster to describe itself on each check. */
export function kafkaCheck(brokers: string[], clientId: string): HealthCheck & { close(): Promise<void> } {
  const kafka = new Kafka({ clientId: `${clientId}-health`, brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1500 });
  let admin: Admin | undefined;
  return {
    name: 'kafka',
    async check() {
      try {
        if (!admin) {
          admin = kafka.admin();
          await admin.connect();
        }
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('no brokers in cluster metadata');
      } catch (err) {
        await admin?.disconnect().catch(() => undefined);
        admin = undefined;
        throw err;
      }
    },
    async close() {
      await admin?.disconnect().catch(() => undefined);
    },
  };
}
