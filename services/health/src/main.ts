import './tracing'; // first: see tracing.ts
import 'reflect-metadata';
import { runService, serviceConfig } from '@tio/service-kit';
import { DEFAULT_PORT } from './default-port';
import { healthService } from './service';

const config = serviceConfig('health', DEFAULT_PORT);
runService(healthService, config).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
