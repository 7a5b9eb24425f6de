import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** Case ids as the event store's stream-id grammar allows them (a case's stream is `case-<caseId>`). */
const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;

/** GET /access-log: an auditor pages through a service's chained access log. */
export class AccessLogQuery {
  @ApiPropertyOptional({ description: 'Only reads of this case.' })
  @IsOptional()
  @Matches(CASE_ID, { message: 'caseId must be letters, digits, _ . : or - (up to 200), starting with a letter or digit' })
  caseId?: string;

  @ApiPropertyOptional({ description: 'Entries after this sequence number (paging).', default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  afterSeq?: number;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
