import { IsIn, IsOptional } from 'class-validator';
import { DUE_FILTERS, RESPONSIBLE, SORTS, STAGES, type DueFilter, type Sort } from './caseload';

/** The caseload's filters, from the query string (an empty value means "any"). */
export class CaseloadQueryDto {
  @IsOptional() @IsIn(Object.keys(STAGES), { message: 'Choose a stage from the list' })
  stage?: string;

  @IsOptional() @IsIn(DUE_FILTERS as unknown as string[], { message: 'Choose overdue, due in the next 2 weeks, or any' })
  due?: DueFilter;

  @IsOptional() @IsIn(Object.keys(RESPONSIBLE), { message: 'Choose who the cases are waiting on from the list' })
  awaiting?: string;

  @IsOptional() @IsIn(SORTS as unknown as string[], { message: 'Choose how to sort from the list' })
  sort?: Sort;
}
