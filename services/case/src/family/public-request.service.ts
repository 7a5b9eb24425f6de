import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { idempotencyKeyOf, newIdFor, requestContext, type Caller } from '@tio/event-sourcing';
import { CaseNotFoundError, londonDateOf, type EhcCaseState } from '@tio/ehc-domain';
import { invalidField } from '@tio/service-kit';
import { CaseCommand } from '../case-aggregate';
import type { CorrelatedRequest } from '../http/command-context';
import { PUBLIC_REQUEST_ROLE } from './family-authorisation';
import { GetFamilyCaseQuery } from './family-queries';
import { FamilyService } from './family.service';
import { FamilyStore } from './family-store';
import type * as dto from './family.dtos';
import { codeDigest, newInvitationCode } from './invitation-codes';
import { checkFormToken, honeypotRefusal, issueFormToken, publicRequestGuardSettings, refused, requestFingerprint } from './public-request-guard';
import { servedLocalAuthorities } from './served-local-authorities';

/** The reference a family quotes: from the case id, so a retry or a duplicate answers the first request's. */
export const referenceOf = (caseId: string) => `REQ-${caseId.slice(0, 4).toUpperCase()}-${caseId.slice(4, 8).toUpperCase()}`;

const SENT_AND_EMAILED = 'We have sent your request to the council. We have emailed you an invitation to follow it online.';
const SENT = 'We have sent your request to the council. The council will send you an invitation to follow it online.';
const ALREADY = 'We already have this request, so we have not sent it again. If it is for a different child, send the form again with the child’s name.';

/**
 * Requests per client address and minute on the public request (no account, so the address is all there is):
 * PUBLIC_REQUEST_RATE_LIMIT_PER_MINUTE, read at start like every other setting (the route's throttle asks here).
 */
let requestsPerMinute = 5;
export const publicRequestLimit = () => requestsPerMinute;

/** How long two requests without an Idempotency-Key for the same child, council and email address are one request. */
const duplicateWindowHours = (env: NodeJS.ProcessEnv = process.env) => {
  const hours = Number(env['PUBLIC_REQUEST_DUPLICATE_WINDOW_HOURS'] ?? 24);
  if (!Number.isFinite(hours) || hours < 0) throw new Error(`PUBLIC_REQUEST_DUPLICATE_WINDOW_HOURS=${env['PUBLIC_REQUEST_DUPLICATE_WINDOW_HOURS']} is not a number of hours`);
  return hours;
};

/**
 * reg 3: a parent or young person asks for an EHC needs assessment without an account; the request (day 0 of the
 * statutory clock) and the invitation to follow it, both through the case's command pipeline.
 *
 * Sent once: the case id is derived from the Idempotency-Key (as every route derives what it creates), and both
 * commands run under keys derived from the case id, so a retry finds their events and records nothing twice (same
 * key, other body: 422 `idempotency-key-reused`, because the pipeline decides the commands again and compares). A
 * request without a key for the same child (name and date of birth), council and requester email within
 * PUBLIC_REQUEST_DUPLICATE_WINDOW_HOURS is the same request sent twice (a double click, the back button, a browser
 * that resends): it answers the first one's reference and makes no second case, no second statutory clock and no
 * second invitation email.
 */
@Injectable()
export class PublicRequestService {
  readonly councils = servedLocalAuthorities();
  readonly guard = publicRequestGuardSettings();
  private readonly windowHours = duplicateWindowHours();

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly store: FamilyStore,
    private readonly family: FamilyService,
  ) {
    requestsPerMinute = Number(process.env['PUBLIC_REQUEST_RATE_LIMIT_PER_MINUTE'] ?? 5);
    if (!this.guard.configuredSecret) {
      new Logger('public-requests').warn({ msg: 'PUBLIC_REQUEST_FORM_SECRET is not set: form tokens are signed with a key made at start, so they do not outlive this process or work on another replica; set it (32+ characters) wherever more than one replica serves the public request' });
    }
  }

  /** What the form needs: a token to send it with, and the councils it may go to. */
  formToken() {
    return { ...issueFormToken(this.guard), councils: [...this.councils].map(([code, name]) => ({ code, name })) };
  }

  async submit(b: dto.PublicAssessmentRequestDto, req: CorrelatedRequest) {
    if (!this.councils.has(b.localAuthority)) {
      throw invalidField('localAuthority', `localAuthority must be one of the councils this service covers: ${[...this.councils.keys()].join(', ')}`);
    }
    if (!b.requester.email) throw invalidField('requester.email', 'requester.email is needed to send you the invitation to follow the request');
    const trap = honeypotRefusal(b.website);
    if (trap) throw refused(trap);
    const token = checkFormToken(b.formToken, this.guard);
    if ('code' in token) throw refused(token);
    const key = idempotencyKeyOf(req);

    let caseId = key ? newIdFor('caseId', key, 'public-request') : randomUUID();
    let state = key ? await this.caseState(caseId) : undefined;
    if (!state) {
      const fingerprint = requestFingerprint(this.guard, { localAuthority: b.localAuthority, childName: b.child.name, dateOfBirth: b.child.dateOfBirth, email: b.requester.email });
      const claim = await this.store.claimPublicRequest(fingerprint, caseId, this.windowHours);
      if (claim.caseId !== caseId) {
        // the same request within the window: its case, once recorded, is the answer; until then this completes it
        caseId = claim.caseId;
        state = await this.caseState(caseId);
        if (state) return { reference: referenceOf(caseId), message: ALREADY, replayed: true };
      }
    }
    if (!(await this.store.useFormToken(token.nonce, caseId))) {
      throw new ConflictException({ code: 'form-token-used', detail: 'This form has already been used to send a request. Load the form again to send another.' });
    }
    return this.record(caseId, b, req, state);
  }

  /** Records the request and the invitation under keys derived from the case id: a retry replays what is there. */
  private async record(caseId: string, b: dto.PublicAssessmentRequestDto, req: CorrelatedRequest, before: EhcCaseState | undefined) {
    const reference = referenceOf(caseId);
    const caller: Caller = { userId: `public-request:${reference}`, organisationId: 'family', agency: 'family', roles: [PUBLIC_REQUEST_ROLE] };
    const keyed = (step: string) => requestContext(caseId, caller, { header: () => `public-request-${caseId}:${step}`, correlationId: req.correlationId });
    // a retry the next day is still the same request: its dates are the first attempt's
    const at = before?.requestReceivedOn ?? londonDateOf(new Date());
    const received = await this.commands.execute(new CaseCommand({
      type: 'ReceiveRequest', caseId, at, childRef: `child:${caseId.slice(0, 8)}`, localAuthority: b.localAuthority, source: b.requester.relationship,
      requestedBy: { role: b.requester.relationship === 'parent' ? 'parent' : 'young person' },
      child: { dateOfBirth: b.child.dateOfBirth, ...(b.child.name ? { name: b.child.name } : {}), ...(b.child.nhsNumber ? { nhsNumber: b.child.nhsNumber } : {}) },
    }, caller, keyed('request')));

    const invitationId = newIdFor('invitationId', caseId, 'public-request');
    const earlier = received.state.family?.invitations[invitationId];
    // the code is never kept: a retry names the digest the first attempt recorded (and sends no second email)
    const code = earlier ? undefined : newInvitationCode();
    const digest = earlier?.codeDigest ?? codeDigest(code as string);
    if (code) await this.store.addCode(digest, caseId, invitationId);
    const invited = await this.commands.execute(new CaseCommand({
      type: 'InviteFamilyMember', caseId, at: earlier?.invitedOn ?? at, invitationId, relationship: b.requester.relationship,
      contact: { name: b.requester.name, email: b.requester.email as string, ...(b.requester.phone ? { phone: b.requester.phone } : {}) },
      codeDigest: digest, invitedBy: { userId: 'public-request', organisationId: b.localAuthority },
    }, caller, keyed('invitation')));
    await this.store.addPublicRequest(reference, caseId);

    const replayed = received.replayed && invited.replayed;
    if (replayed || !code) return { reference, message: ALREADY, replayed: true };
    const expiresOn = invited.state.family?.invitations[invitationId]?.expiresOn ?? at;
    const delivery = this.family.invitationDelivery;
    const sent = delivery ? await delivery.deliver({ caseId, invitationId, code, expiresOn }) : { queued: false };
    return { reference, message: sent.queued ? SENT_AND_EMAILED : SENT, replayed: false };
  }

  /** The case, or undefined when nothing is recorded under this id yet. */
  private async caseState(caseId: string): Promise<EhcCaseState | undefined> {
    try {
      return (await this.queries.execute(new GetFamilyCaseQuery(caseId))).state;
    } catch (err) {
      if (err instanceof CaseNotFoundError) return undefined;
      throw err;
    }
  }
}
