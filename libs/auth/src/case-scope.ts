import type { Principal } from './claims';

/**
 * The rule every case-scoped route goes through (a route whose path has a `:caseId` parameter): may this caller's
 * organisation see the case at all, and the record of the attempt. A service registers one provider under
 * `CASE_SCOPE_CHECK`; the AuthGuard applies it after authentication and the route's roles, before any pipe or
 * handler runs, so a route cannot forget it. Handlers keep their finer rules (who moves the lifecycle, which agency
 * writes which advice). A service without a provider (audit: auditors only) has no case-scoped rule beyond roles.
 */
export const CASE_SCOPE_CHECK = Symbol.for('tio.case-scope-check');

export interface CaseScopedRequest {
  method: string;
  /** The route's path template, e.g. `/cases/:caseId/advice`. */
  route: string;
  caseId: string;
  /** Why the caller reads the case (`X-Access-Reason`), when it said. */
  reason?: string;
}

export interface CaseScopeCheck {
  /** Resolves when the caller may go on; throws (403, the same whether or not the case exists) otherwise. */
  check(principal: Principal, request: CaseScopedRequest): Promise<void>;
}
