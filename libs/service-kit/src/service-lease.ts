import { Logger } from '@nestjs/common';
import type { ServiceConfig } from './config';
import { SingleActiveLease, type LeasedJob } from './single-active-lease';

/**
 * A service's singleton job (its forwarders, periodic sweeps) made single-active across the service's replicas: the
 * lock lives in the service's own database, named after the job, so replicas of one service share it and different
 * services never contend.
 */
export function singleActive(config: ServiceConfig, name: string, job: LeasedJob): SingleActiveLease {
  const logger = new Logger('lease');
  return new SingleActiveLease(
    {
      connectionString: config.databaseUrl,
      name,
      log: (msg, err) => (err ? logger.warn({ msg, err: err.message }) : logger.log({ msg })),
    },
    job,
  );
}
