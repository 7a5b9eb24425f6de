import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException, Optional } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { Principal } from '@tio/auth';
import { AdviceCommands, type AdviceCommandResult } from '@tio/agency-kit';
import { requestContext } from '@tio/event-sourcing';
import {
  CaseClosedError, CaseNotFoundError, familyAccessOf, InvitationExpiredError, InvitationNotFoundError, InvitationUsedError, londonDateOf,
  type EhcCommand, type FamilyRelationship,
} from '@tio/ehc-domain';
import { CaseCommand } from '../case-aggregate';
import { newId, runCaseCommand, stepDate, type CorrelatedRequest } from '../http/command-context';
import { INVITATION_DELIVERY, type InvitationDelivery } from '../notifications/invitation-delivery';
import { invitationPath } from '../notifications/family-notifications';
import { GetFamilyCaseQuery } from './family-queries';
import { FamilyStore } from './family-store';
import type * as dto from './family.dtos';
import { codeDigest, newInvitationCode, normaliseCode } from './invitation-codes';

/** The one answer to a code that cannot be used, whatever the reason: it never says whether a case exists. */
export const CODE_NOT_USABLE = 'This code cannot be used. It may be mistyped, already used or past its end date. Ask the council’s SEND team for a new invitation.';

const isCodeRefusal = (err: unknown) =>
  err instanceof InvitationNotFoundError || err instanceof InvitationExpiredError || err instanceof InvitationUsedError || err instanceof CaseNotFoundError || err instanceof CaseClosedError;

/**
 * Invitations, links and the family's own acts (issue #21). The one-time code is made here, handed once to the LA's
 * answer (and to the delivery port, which emails it), and only its SHA-256 digest is kept: in the invitation event and
 * in the `family.invitation_codes` row that lets a signed-in person's code find its case.
 */
@Injectable()
export class FamilyService {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly store: FamilyStore,
    private readonly advice: AdviceCommands,
    @Optional() @Inject(INVITATION_DELIVERY) private delivery?: InvitationDelivery,
  ) {}

  /** The delivery port is bound by the notifications module; a test without it binds a capturing implementation here. */
  bindDelivery(delivery: InvitationDelivery): void {
    this.delivery = delivery;
  }

  /** Where invitation codes go (the public request's invitation too); none when no notifications module is bound. */
  get invitationDelivery(): InvitationDelivery | undefined {
    return this.delivery;
  }

  async invite(caseId: string, b: dto.InviteFamilyMemberDto, p: Principal, req: CorrelatedRequest) {
    const code = newInvitationCode();
    const digest = codeDigest(code);
    const invitationId = b.invitationId ?? newId(req, p, 'invitationId');
    await this.store.addCode(digest, caseId, invitationId);
    const result = await runCaseCommand(this.commands, {
      type: 'InviteFamilyMember', caseId, at: stepDate(b.at), invitationId, relationship: b.relationship,
      ...(b.parentalResponsibility === undefined ? {} : { parentalResponsibility: b.parentalResponsibility }),
      contact: { name: b.contact.name, ...(b.contact.email ? { email: b.contact.email } : {}), ...(b.contact.phone ? { phone: b.contact.phone } : {}) },
      codeDigest: digest, invitedBy: { userId: p.userId, organisationId: p.organisationId },
    }, p, req);
    if (result.replayed) {
      throw new ConflictException('this invitation was already made and its code given in the first answer (codes are never kept); make a new invitation for a new code');
    }
    const expiresOn = result.recorded.length ? await this.expiryOf(caseId, invitationId) : '';
    await this.delivery?.deliver({ caseId, invitationId, code, expiresOn });
    return { caseId, invitationId, code, expiresOn, invitationLinkPath: invitationPath(invitationId), recorded: result.recorded };
  }

  private async expiryOf(caseId: string, invitationId: string): Promise<string> {
    const { state } = await this.queries.execute(new GetFamilyCaseQuery(caseId));
    return state.family?.invitations[invitationId]?.expiresOn ?? '';
  }

  async accept(typed: string, p: Principal, req: CorrelatedRequest): Promise<{ caseId: string; relationship: FamilyRelationship; linked: boolean }> {
    const code = normaliseCode(typed);
    const found = code ? await this.store.findCode(codeDigest(code)) : undefined;
    if (!code || !found) throw new NotFoundException(CODE_NOT_USABLE);
    try {
      const command: EhcCommand = { type: 'AcceptFamilyInvitation', caseId: found.caseId, at: londonDateOf(new Date()), invitationId: found.invitationId, codeDigest: codeDigest(code), subject: p.userId };
      const result = await this.commands.execute(new CaseCommand(command, p, requestContext(found.caseId, p, req)));
      const member = result.state.family?.members[p.userId];
      if (!member) throw new NotFoundException(CODE_NOT_USABLE);
      return { caseId: found.caseId, relationship: member.relationship, linked: result.recorded.length > 0 };
    } catch (err) {
      if (isCodeRefusal(err)) throw new NotFoundException(CODE_NOT_USABLE);
      throw err;
    }
  }

  /** The family's own views (Section A, `parent-views`), through the hosted advice kit; only a member who may act. */
  async views(caseId: string, p: Principal, req: CorrelatedRequest, write: (ctx: Parameters<AdviceCommands['submit']>[1], adviceRequestId?: string) => Promise<AdviceCommandResult>): Promise<AdviceCommandResult> {
    const { state } = await this.queries.execute(new GetFamilyCaseQuery(caseId));
    const access = familyAccessOf(state, p.userId, londonDateOf(new Date()));
    if (!access.act) throw new ForbiddenException(`you may not act on this case: ${access.why}`);
    const request = Object.values(state.adviceRequests).filter((r) => r.adviceType === 'parent-views').at(-1);
    const key = req.header('idempotency-key') ?? `family-views:${caseId}:${p.userId}:${randomUUID()}`;
    const ctx = {
      actor: { userId: p.userId, organisationId: p.organisationId, agency: p.agency, role: p.roles.join(',') },
      correlationId: req.correlationId ?? key, idempotencyKey: key, refuseConcurrentRetry: true,
    };
    return write(ctx, request?.adviceRequestId);
  }

  get adviceCommands(): AdviceCommands {
    return this.advice;
  }
}
