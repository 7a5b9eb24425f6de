import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PLAN_SECTIONS, SETTING_TYPES, type PlanSection, type SettingType } from '@tio/ehc-domain';

const REF = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const REF_MESSAGE = '$property must be an opaque reference (letters, digits and . _ : / -, at most 128), never a name';
export const TEXT_MAX = 20_000;

/** One need (B-D), outcome (E) or provision (F-H2). */
export class PlanItemDto {
  @ApiProperty({ description: 'Stable id of the need, outcome or provision (keep it across versions so a change shows as a change)', example: 'need-1' })
  @Matches(REF, { message: REF_MESSAGE }) itemId!: string;

  @ApiProperty({ description: 'What the plan says (personal data: stored encrypted with the case’s key)', example: 'Speech and language therapy, 1 hour a week, by a qualified therapist.' })
  @IsString() @IsNotEmpty() @MaxLength(TEXT_MAX) text!: string;

  @ApiPropertyOptional({ type: [String], description: 'For outcomes (E) and provision (F-H2): the needs (item ids in B, C or D) it meets', example: ['need-1'] })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @Matches(REF, { each: true, message: REF_MESSAGE }) needIds?: string[];
}

/** One section of the plan (reg 12(1)(a)-(k)). */
export class PlanSectionDto {
  @ApiProperty({ enum: PLAN_SECTIONS, description: 'A views, interests, aspirations; B SEN; C health needs; D social care needs; E outcomes; F special educational provision; G health provision; H1/H2 social care provision; I placement; J personal budget; K advice and information' })
  @IsIn(PLAN_SECTIONS) section!: PlanSection;

  @ApiPropertyOptional({ description: 'The section’s narrative (personal data: stored encrypted)', example: 'Sam loves trains and wants to work on the railway.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(TEXT_MAX) text?: string;

  @ApiPropertyOptional({ type: [PlanItemDto], description: 'B-D needs, E outcomes, F-H2 provision' })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => PlanItemDto) items?: PlanItemDto[];

  @ApiPropertyOptional({ description: 'I (final or amended plan only): the school or institution named; it must have been consulted (s.39(2))', example: 'urn:school:100234' })
  @IsOptional() @Matches(REF, { message: REF_MESSAGE }) settingRef?: string;

  @ApiPropertyOptional({ enum: SETTING_TYPES, description: 'I (final or amended plan only): the type of school or institution' })
  @IsOptional() @IsIn(SETTING_TYPES) settingType?: SettingType;

  @ApiPropertyOptional({ type: [String], description: 'K: the advice recorded on the case that the plan lists (advice ids)' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @Matches(REF, { each: true, message: REF_MESSAGE }) adviceIds?: string[];
}

/** The plan's contents on a draft, final plan or amendment (an amendment gives only the sections it changes). */
export class PlanContentsDto {
  @ApiProperty({ type: [PlanSectionDto], description: 'Sections A-K (a draft may be partial; a final plan needs all; an amendment gives the sections it changes)' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(12) @ValidateNested({ each: true }) @Type(() => PlanSectionDto) sections!: PlanSectionDto[];
}

/** `PlanContentsDto` as the domain's input (class instances to plain data). */
export function planContentsOf(dto: PlanContentsDto | undefined) {
  if (!dto) return undefined;
  return {
    sections: dto.sections.map((s) => ({
      section: s.section,
      ...(s.text !== undefined ? { text: s.text } : {}),
      ...(s.items ? { items: s.items.map((i) => ({ itemId: i.itemId, text: i.text, ...(i.needIds ? { needIds: [...i.needIds] } : {}) })) } : {}),
      ...(s.settingRef ? { settingRef: s.settingRef } : {}),
      ...(s.settingType ? { settingType: s.settingType } : {}),
      ...(s.adviceIds ? { adviceIds: [...s.adviceIds] } : {}),
    })),
  };
}

