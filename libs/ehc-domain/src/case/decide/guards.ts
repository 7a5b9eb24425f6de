import { isBefore, isIsoDate, type IsoDate } from '../../calendar';
import * as E from '../errors';
import type { EhcCaseState } from '../state';

type DomainErrorClass = new (message: string, details?: Record<string, unknown>) => E.DomainError;

/** Throws `Err` (a specific DomainError): every illegal step has its own error. */
export const fail = (Err: DomainErrorClass, message: string, details?: Record<string, unknown>): never => {
  throw new Err(message, details);
};

export function requireText(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') fail(E.InvalidCommandError, `${field} is required`, { field });
}

export function requireDate(value: unknown, field: string): IsoDate {
  if (!isIsoDate(value)) {
    fail(E.InvalidCommandError, `${field} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`, { field });
  }
  return value as IsoDate;
}

/** The optional date field `value`, checked when present. */
export function optionalDate(value: unknown, field: string): IsoDate | undefined {
  return value === undefined ? undefined : requireDate(value, field);
}

export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): void {
  if (!allowed.includes(value as T)) fail(E.InvalidCommandError, `${field} must be one of ${allowed.join(', ')}`, { field, value });
}

export function requirePositiveVersion(version: unknown): void {
  if (!Number.isInteger(version) || (version as number) < 1) fail(E.InvalidCommandError, 'version must be a positive integer');
}

export function notBefore(at: IsoDate, earlier: IsoDate | undefined, what: string): void {
  if (earlier && isBefore(at, earlier)) fail(E.ChronologyError, `${at} is before ${what} (${earlier})`, { at, earlier });
}

export function unique(record: Record<string, unknown>, id: string, what: string): void {
  requireText(id, what);
  if (Object.hasOwn(record, id)) fail(E.DuplicateIdError, `${what} ${id} is already used on this case`, { id });
}

export function assertPlanInForce(state: EhcCaseState, step: string): void {
  if (state.status !== 'plan-in-force') {
    fail(E.PlanNotInForceError, `${step}: there is no final EHC plan in force (status ${state.status})`);
  }
}
