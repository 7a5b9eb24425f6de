import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  SetMetadata,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { CASE_SCOPE_CHECK, type CaseScopeCheck } from './case-scope';
import { bearerChallenge } from './challenge';
import type { Principal, Role } from './claims';
import { TokenRejected, TokenVerifier } from './verifier';

const PUBLIC = 'tio:public';
const ROLES = 'tio:roles';

/** The route needs no token (health checks). */
export const Public = () => SetMetadata(PUBLIC, true);
/** The caller needs at least one of these roles. */
export const RequireRoles = (...roles: Role[]) => SetMetadata(ROLES, roles);

type AuthenticatedRequest = {
  principal?: Principal;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string>;
  route?: { path?: string };
};

/** The verified caller of the current request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw bearerChallenge('not authenticated', false);
  return principal;
});

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route requires a valid bearer token unless marked @Public(). 401 for a missing or bad token, 403 for a
 * caller without the role the route needs, and 403 for an auditor trying to write. Every denial is logged. Then, on a
 * route with a `:caseId` parameter, the service's case rule (`CASE_SCOPE_CHECK`): involved or refused, and recorded.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('auth');

  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    private readonly moduleRef: ModuleRef,
  ) {}

  private caseScope?: CaseScopeCheck | null;

  /** The service's case rule, wherever in the application it is provided; none in a service without one. */
  private caseScopeCheck(): CaseScopeCheck | null {
    if (this.caseScope === undefined) {
      try {
        this.caseScope = this.moduleRef.get<CaseScopeCheck>(CASE_SCOPE_CHECK, { strict: false });
      } catch {
        this.caseScope = null;
      }
    }
    return this.caseScope;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const deny = (status: 401 | 403, reason: string, principal?: Principal, tokenGiven = false): never => {
      this.logger.warn({ msg: 'access denied', status, reason, method: request.method, path: request.url, userId: principal?.userId, organisationId: principal?.organisationId });
      throw status === 401 ? bearerChallenge(reason, tokenGiven) : new ForbiddenException(reason);
    };

    const header = request.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return deny(401, 'a bearer token is required (Authorization: Bearer <JWT>)');
    let principal: Principal;
    try {
      principal = await this.verifier.verify(match[1]);
    } catch (err) {
      return deny(401, err instanceof TokenRejected ? err.message : 'invalid token', undefined, true);
    }
    request.principal = principal;

    if (!READ_METHODS.has(request.method) && principal.roles.every((r) => r === 'auditor')) {
      return deny(403, 'auditors read, never write', principal);
    }
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    // family members reach only the routes made for them (a route without roles is for practitioners and services)
    if (principal.roles.includes('family') && !required?.includes('family')) {
      return deny(403, 'this action is not open to family members; they use the family routes', principal);
    }
    if (required?.length && !required.some((r) => principal.roles.includes(r))) {
      return deny(403, `this action needs one of the roles ${required.join(', ')}; the token has ${principal.roles.join(', ')}`, principal);
    }
    const caseId = request.params?.['caseId'];
    const scope = typeof caseId === 'string' ? this.caseScopeCheck() : null;
    if (scope) {
      const why = request.headers['x-access-reason'];
      const reason = typeof why === 'string' && why.trim() ? why.trim().slice(0, 500) : undefined;
      await scope.check(principal, { method: request.method, route: request.route?.path ?? request.url, caseId: caseId as string, ...(reason ? { reason } : {}) });
    }
    return true;
  }
}
