import { ConflictException, ForbiddenException, Inject, Injectable, NotFoundException, Optional } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { Principal } from '@tio/auth';
import { AdviceCommands, type AdviceCommandResult } from '@tio/agency-kit';
import { requestContext, type Caller } from '@tio/event-sourcing';
import {
  CaseClosedError, CaseNotFoundError, familyAccessOf, InvitationExpiredError, InvitationNotFoundError, InvitationUsedError, londonDateOf,
  type EhcCommand, type FamilyRelationship,
} from '@tio/ehc-domain';
import { invalidField } from '@tio/service-kit';
import { CaseCommand } from '../case-aggregate';
import { newId, runCaseCommand, stepDate, type CorrelatedRequest } from '../http/command-context';
import { INVITATION_DELIVERY, type InvitationDelivery } from '../notifications/invitation-delivery';
import { invitationPath } from '../notifications/family-notifications';
import { PUBLIC_REQUEST_ROLE } from './family-authorisation';
import { GetFamilyCaseQuery } from './family-queries';
import { FamilyStore } from './family-store';
import type * as dto from './family.dtos';
import { codeDigest, newInvitationCode, normaliseCode } from './invitation-codes';
import { KNOWN_LOCAL_AUTHORITIES } from './known-local-authorities';

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

  /** reg 3: a parent or young person asks without an account; the request and the invitation to follow it. */
  async publicRequest(b: dto.PublicAssessmentRequestDto, req: CorrelatedRequest) {
    if (!KNOWN_LOCAL_AUTHORITIES.has(b.localAuthority)) {
      throw invalidField('localAuthority', `localAuthority must be one of the councils this service covers: ${[...KNOWN_LOCAL_AUTHORITIES.keys()].join(', ')}`);
    }
    if (!b.requester.email) throw invalidField('requester.email', 'requester.email is needed to send you the invitation to follow the request');
    const caseId = randomUUID();
    const reference = `REQ-${caseId.slice(0, 4).toUpperCase()}-${caseId.slice(4, 8).toUpperCase()}`;
    const caller: Caller = { userId: `public-request:${reference}`, organisationId: 'family', agency: 'family', roles: [PUBLIC_REQUEST_ROLE] };
    const at = londonDateOf(new Date());
    const context = { ...requestContext(caseId, caller, { header: () => undefined, correlationId: req.correlationId } as never) };
    await this.commands.execute(new CaseCommand({
      type: 'ReceiveRequest', caseId, at, childRef: `child:${caseId.slice(0, 8)}`, localAuthority: b.localAuthority, source: b.requester.relationship,
      requestedBy: { role: b.requester.relationship === 'parent' ? 'parent' : 'young person' },
      child: { dateOfBirth: b.child.dateOfBirth, ...(b.child.name ? { name: b.child.name } : {}), ...(b.child.nhsNumber ? { nhsNumber: b.child.nhsNumber } : {}) },
    }, caller, context));
    const code = newInvitationCode();
    const digest = codeDigest(code);
    const invitationId = randomUUID();
    await this.store.addCode(digest, caseId, invitationId);
    const invited = await this.commands.execute(new CaseCommand({
      type: 'InviteFamilyMember', caseId, at, invitationId, relationship: b.requester.relationship,
      contact: { name: b.requester.name, email: b.requester.email, ...(b.requester.phone ? { phone: b.requester.phone } : {}) },
      codeDigest: digest, invitedBy: { userId: 'public-request', organisationId: b.localAuthority },
    }, caller, context));
    await this.store.addPublicRequest(reference, caseId);
    const expiresOn = invited.state.family?.invitations[invitationId]?.expiresOn ?? at;
    const sent = this.delivery ? await this.delivery.deliver({ caseId, invitationId, code, expiresOn }) : { queued: false };
    return {
      reference,
      message: sent.queued
        ? 'We have sent your request to the council. We have emailed you an invitation to follow it online.'
        : 'We have sent your request to the council. The council will send you an invitation to follow it online.',
    };
  }
}
