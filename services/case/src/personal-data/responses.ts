import { ApiProperty } from '@nestjs/swagger';
import { ERASURE_GROUNDS } from '@tio/ehc-domain';

// The bodies the personal-data routes answer with, as OpenAPI schemas.

export class ErasureResponse {
  @ApiProperty({ format: 'uuid', example: '5b2f6a0e-8f7e-4a43-9c1d-2f0a6b7c8d9e' })
  caseId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T10:15:00.000Z' })
  erasedAt!: string;
  @ApiProperty({ example: 'officer-1' })
  erasedBy!: string;
  @ApiProperty({ enum: ERASURE_GROUNDS })
  ground!: string;
  @ApiProperty({ description: 'True when the key had already been destroyed (a retry, or an earlier erasure): nothing new happened', example: false })
  alreadyErased!: boolean;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'The case stream’s revision after ehc.personal-data-erased.v1' })
  revision!: number;
}

export class RetentionReportResponse {
  @ApiProperty({ format: 'date', example: '2057-01-05' })
  asOf!: string;
  @ApiProperty({ type: 'integer', example: 31 })
  retentionYearsAfterBirth!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Cases whose retention period has ended' })
  due!: unknown[];
  @ApiProperty({ type: [String], description: 'Cases with personal data but no date of birth: review them by hand' })
  withoutDateOfBirth!: string[];
}

export class RetentionRunResponse {
  @ApiProperty({ format: 'date', example: '2057-01-05' })
  asOf!: string;
  @ApiProperty({ type: [ErasureResponse] })
  erased!: ErasureResponse[];
}
