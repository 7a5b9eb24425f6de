import './tracing'; // first: see tracing.ts
import 'reflect-metadata';
import { runService, serviceConfig } from '@tio/service-kit';
import { DEFAULT_PORT } from './default-port';
import { educationService } from './service';

const config = serviceConfig('education', DEFAULT_PORT);
runService(educationService, config).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
