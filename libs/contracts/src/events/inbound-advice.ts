import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsISO8601, IsIn, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { TOPICS } from '../topics';
import type { EventTypeRegistry } from '../registry';
import { arrayOf, dateTime, object, text, uuid } from '../schema-helpers';

export class InboundAdviceSectionDto {
  @IsString() @Length(1, 200) heading!: string;
  @IsString() @Length(1, 50_000) text!: string;
}

/**
 * Advice published by an agency's own system (e.g. an NHS record system). Validated with class-validator exactly
 * like the HTTP body of the advice endpoint; the JSON Schema below documents the same rules for integrators.
 */
export class InboundAdviceSubmittedV1Dto {
  @IsUUID() caseId!: string;
  @IsUUID() adviceRequestId!: string;
  @IsString() @Length(1, 200) externalReference!: string;
  @IsISO8601({ strict: true }) submittedAt!: string;
  @IsString() @Length(1, 200) authorName!: string;
  @IsString() @Length(1, 200) authorRole!: string;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => InboundAdviceSectionDto) sections!: InboundAdviceSectionDto[];
  @IsOptional() @IsIn(['draft', 'final']) status?: 'draft' | 'final';
}

const schema = object(
  {
    caseId: uuid('The EHC case the advice is for.'),
    adviceRequestId: uuid('The advice request it answers (from ehc.advice-requested.v1).'),
    externalReference: text("The record's id in the agency's own system.", 200),
    submittedAt: dateTime('When the author signed it off.'),
    authorName: text('Author.', 200),
    authorRole: text("Author's professional role.", 200),
    sections: arrayOf(object({ heading: text('Section heading', 200), text: text('Section text', 50_000) }), 'The advice, section by section.', 1),
  },
  { status: { type: 'string', enum: ['draft', 'final'], description: 'Defaults to final.' } },
);

const example: InboundAdviceSubmittedV1Dto = {
  caseId: '00000000-0000-4000-8000-000000000001',
  adviceRequestId: '00000000-0000-4000-8000-000000000002',
  externalReference: 'NHS-RX-12345',
  submittedAt: '2025-03-01T10:00:00.000Z',
  authorName: 'Dr A. Patel',
  authorRole: 'Designated Medical Officer',
  sections: [{ heading: 'Medical needs', text: 'Well-controlled asthma.' }],
};

/** Inbound advice, one type per agency topic (same payload). */
export function registerInboundAdvice(registry: EventTypeRegistry): void {
  const inbound = [
    ['health', TOPICS.healthInbound],
    ['education', TOPICS.educationInbound],
    ['social-care', TOPICS.socialCareInbound],
  ] as const;
  for (const [agency, topic] of inbound) {
    registry.register<InboundAdviceSubmittedV1Dto>({
      name: `${agency}.advice-submitted`, version: 1, direction: 'inbound', topic,
      summary: `A ${agency} agency system submits advice for a case.`,
      description: 'Validated like HTTP input; an invalid message goes to the dead-letter topic with the failing fields and constraints.',
      schema, example, dto: InboundAdviceSubmittedV1Dto,
    });
  }
}
