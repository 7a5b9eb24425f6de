import { Module } from '@nestjs/common';
import { CoreModule } from '@tio/service-kit';
import { DEFAULT_PORT } from './default-port';

@Module({
  imports: [CoreModule.forService('case', DEFAULT_PORT)],
})
export class CaseModule {}
