import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Response } from 'express';
import { AdviceCommandResponse, AdviceErrorFilter } from '@tio/agency-kit';
import { CurrentPrincipal, Public, RequireRoles, type Principal } from '@tio/auth';
import { londonDateOf } from '@tio/ehc-domain';
import { ApiAuthenticatedProblems, ApiCommandProblems, ApiIdempotencyKey, ApiProblems } from '@tio/service-kit';
import { newId, runCaseCommand, stepDate, type CorrelatedRequest } from '../http/command-context';
import { DomainErrorFilter } from '../http/domain-error.filter';
import { ApiCaseStepAnswer } from '../http/responses';
import { GetCasePeopleQuery, GetFamilyContributionsQuery, GetFamilyEarlyReviewsQuery, GetFamilyPlanQuery } from './family-queries';
import { AcceptInvitationRequest, FamilyViewsRequest, InviteFamilyMemberRequest, PublicAssessmentRequest } from './family.commands';
import * as dto from './family.dtos';
import { GetPublicRequestFormQuery } from './public-request-form.query';
import { publicRequestLimit } from './public-request.service';

const CaseId = () => Param('caseId', new ParseUUIDPipe());
const today = () => londonDateOf(new Date());
/** Form loads per request allowed from one address (a reload, a second tab, a token that ran out). */
const FORM_LOADS_PER_REQUEST = 4;

/**
 * The LA's side of the family on a case (issue #21): invite a parent, carer or the young person (the one-time code
 * is in this answer only), unlink a member, record the young person's rights (CFA 2014 s.80). The responsible LA's
 * case officers, through the case's command pipeline.
 */
@ApiTags('family')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@UseFilters(DomainErrorFilter)
@RequireRoles('case-officer')
@Controller('cases')
export class FamilyLinksController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':caseId/family/invitations')
  @ApiOperation({ operationId: 'inviteFamilyMember', summary: 'Invite a parent, carer or the young person to follow and take part in the case: the answer carries the one-time code (valid 28 days) once; only its digest is kept. A retry with the same Idempotency-Key is 409: make a new invitation for a new code.' })
  @ApiCreatedResponse({ type: dto.FamilyInvitationResponse })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  invite(@CaseId() caseId: string, @Body() b: dto.InviteFamilyMemberDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.commands.execute(new InviteFamilyMemberRequest(caseId, b, p, req));
  }

  @Post(':caseId/family/unlinks')
  @ApiOperation({ operationId: 'unlinkFamilyMember', summary: 'Unlink a family member from the case, with the reason: from then on they neither see nor act on it' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  unlink(@CaseId() caseId: string, @Body() b: dto.UnlinkFamilyMemberDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return runCaseCommand(this.commands, { type: 'UnlinkFamilyMember', caseId, at: stepDate(b.at), subject: b.subject, reason: b.reason }, p, req);
  }

  @Post(':caseId/young-person-rights')
  @ApiOperation({ operationId: 'recordYoungPersonRights', summary: 'Record whether the young person (over compulsory school age: from the day after the last Friday in June of the school year they turn 16) holds the rights (CFA 2014 s.80), or why not (lacking capacity), and what their parents may see or do' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  rights(@CaseId() caseId: string, @Body() b: dto.RecordYoungPersonRightsDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return runCaseCommand(this.commands, {
      type: 'RecordYoungPersonRights', caseId, at: stepDate(b.at), holdsRights: b.holdsRights, parentAccess: b.parentAccess,
      ...(b.capacityException === undefined ? {} : { capacityException: b.capacityException }),
    }, p, req);
  }
}

/**
 * What a linked family member does on their case themselves (issue #21 item 3), each the same fact the LA's routes
 * record, with the family member as its author; and what they read: what the family have already said, who is
 * involved, the plan (the draft while they comment on it, then the final or amended plan), and the council's answers
 * to their requests for an early review, with its reasons when it said no. Writes need a link
 * that may act now (the young person's choice decides for parents once they hold the rights); reads need one that
 * may see. Dated today, except views and a draft response the family wrote earlier
 * (`at`, never after today), as the LA's own routes record them.
 */
@ApiTags('family')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@UseFilters(DomainErrorFilter)
@RequireRoles('family')
@Controller('cases')
export class FamilyActionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post(':caseId/family/draft-response')
  @ApiOperation({ operationId: 'familyRespondToDraft', summary: 'Respond to the draft plan within your 15 days: your comments, a meeting with the council, the school you want named (reg 13(1); CFA 2014 s.38)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  respond(@CaseId() caseId: string, @Body() b: dto.FamilyDraftResponseDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return runCaseCommand(this.commands, {
      type: 'RecordFamilyResponse', caseId, at: stepDate(b.at),
      ...(b.preferredSettingRef ? { preferredSettingRef: b.preferredSettingRef } : {}), ...(b.comments ? { comments: b.comments } : {}),
      ...(b.meetingRequested ? { meetingRequested: true } : {}), ...(b.nothingMoreToSay ? { nothingMoreToSay: true } : {}),
    }, p, req);
  }

  @Post(':caseId/family/advice-requests')
  @ApiOperation({ operationId: 'familyAskForAdvice', summary: 'Ask the council to get advice from someone you name during the assessment (reg 6(1)(h)); the council decides whether the request is reasonable' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  askForAdvice(@CaseId() caseId: string, @Body() b: dto.FamilyAdviceAskDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return runCaseCommand(this.commands, { type: 'AskForAdvice', caseId, at: today(), familyRequestId: newId(req, p, 'familyRequestId'), adviser: { name: b.adviserName, role: b.adviserRole } }, p, req);
  }

  @Post(':caseId/family/reassessment-requests')
  @ApiOperation({ operationId: 'familyRequestReassessment', summary: 'Ask for a reassessment of the needs in the plan (CFA 2014 s.44(2); reg 24): the council decides within 15 days' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  reassessment(@CaseId() caseId: string, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return runCaseCommand(this.commands, { type: 'RequestReassessment', caseId, at: today(), reassessmentId: newId(req, p, 'reassessmentId'), requestedBy: 'parent-or-young-person' }, p, req);
  }

  @Post(':caseId/family/early-review-requests')
  @ApiOperation({ operationId: 'familyRequestEarlyReview', summary: 'Ask for the plan to be reviewed before its annual review is due (CFA 2014 s.44(1); reg 20)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  earlyReview(@CaseId() caseId: string, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return runCaseCommand(this.commands, { type: 'RequestEarlyReview', caseId, at: today(), earlyReviewRequestId: newId(req, p, 'earlyReviewRequestId'), requestedBy: 'parent-or-young-person' }, p, req);
  }

  @Post(':caseId/family/parent-access')
  @ApiOperation({ operationId: 'youngPersonChooseParentAccess', summary: 'As the young person holding the rights (CFA 2014 s.80), choose what your parents may see and do on your case' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  parentAccess(@CaseId() caseId: string, @Body() b: dto.ParentAccessDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return runCaseCommand(this.commands, { type: 'RecordYoungPersonRights', caseId, at: today(), holdsRights: true, parentAccess: b.parentAccess }, p, req);
  }

  @Post(':caseId/family/views')
  @UseFilters(AdviceErrorFilter)
  @ApiOperation({ operationId: 'familyGiveViews', summary: 'Give your views, interests and aspirations (Section A; reg 6(1)(a)) yourself: recorded as the family’s views the council asked for, once (a retry with the same Idempotency-Key records nothing twice)' })
  @ApiIdempotencyKey(true, 'Your views are a statutory record: a network retry must never give them twice.')
  @ApiCreatedResponse({ type: AdviceCommandResponse })
  @ApiCommandProblems()
  async giveViews(@CaseId() caseId: string, @Body() b: dto.FamilyViewsDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest, @Res({ passthrough: true }) res: Response) {
    const result = await this.commands.execute(new FamilyViewsRequest(caseId, { kind: 'submit', body: b }, p, req));
    res.status(201);
    return result;
  }

  @Post(':caseId/family/views/corrections')
  @UseFilters(AdviceErrorFilter)
  @ApiOperation({ operationId: 'familyCorrectViews', summary: 'Change your views: a new version replaces the current one, which stays in the history with who, when and why' })
  @ApiIdempotencyKey(true)
  @ApiCreatedResponse({ type: AdviceCommandResponse })
  @ApiCommandProblems()
  async correctViews(@CaseId() caseId: string, @Body() b: dto.FamilyViewsCorrectionDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest, @Res({ passthrough: true }) res: Response) {
    const result = await this.commands.execute(new FamilyViewsRequest(caseId, { kind: 'correct', body: b }, p, req));
    res.status(201);
    return result;
  }

  @Post(':caseId/family/views/withdrawal')
  @UseFilters(AdviceErrorFilter)
  @HttpCode(200)
  @ApiOperation({ operationId: 'familyWithdrawViews', summary: 'Withdraw your views, with the reason (the council then asks again)' })
  @ApiIdempotencyKey(true)
  @ApiOkResponse({ type: AdviceCommandResponse })
  @ApiCommandProblems()
  withdrawViews(@CaseId() caseId: string, @Body() b: dto.FamilyViewsWithdrawalDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.commands.execute(new FamilyViewsRequest(caseId, { kind: 'withdraw', body: b }, p, req));
  }

  @Get(':caseId/family/contributions')
  @ApiOperation({ operationId: 'familyContributions', summary: 'What the family have already said and asked on the case, and by whom (you, another family member, the council for the family), so nobody asks again' })
  @ApiOkResponse({ type: dto.FamilyContributionsResponse })
  @ApiProblems(400, 404)
  async contributions(@CaseId() caseId: string, @CurrentPrincipal() p: Principal) {
    return { caseId, contributions: await this.queries.execute(new GetFamilyContributionsQuery(caseId, p.userId)) };
  }

  @Get(':caseId/family/plan')
  @ApiOperation({ operationId: 'familyPlan', summary: 'The plan now: the draft while you comment on it (with the last day for comments, reg 13(1), and whether you have replied), then the final or amended plan, sections A-K as the council recorded them' })
  @ApiOkResponse({ type: dto.FamilyPlanResponse, description: 'No `plan` until a draft is issued; section text reads "[erased]" after the case’s personal data was erased' })
  @ApiProblems(400, 404)
  async plan(@CaseId() caseId: string) {
    const plan = await this.queries.execute(new GetFamilyPlanQuery(caseId));
    return { caseId, ...(plan ? { plan } : {}) };
  }

  @Get(':caseId/family/early-review-requests')
  @ApiOperation({ operationId: 'familyEarlyReviews', summary: 'Your requests for an early review of the plan (CFA 2014 s.44(1); reg 20) and the council’s answers: agreed, with the date of the review meeting, or declined, with the council’s reasons' })
  @ApiOkResponse({ type: dto.FamilyEarlyReviewsResponse, description: 'The reasons read "[erased]" (and `reasonsErased` is true) after the case’s personal data was erased' })
  @ApiProblems(400, 404)
  async earlyReviews(@CaseId() caseId: string) {
    return { caseId, earlyReviews: await this.queries.execute(new GetFamilyEarlyReviewsQuery(caseId)) };
  }

  @Get(':caseId/family/people')
  @ApiOperation({ operationId: 'familyCasePeople', summary: 'Everyone involved in the case as the case service knows them (the council, the agencies asked for advice, the schools, the family by relationship): who can see it and who must act next, by when' })
  @ApiOkResponse({ type: dto.CasePeopleResponse })
  @ApiProblems(400, 404)
  async people(@CaseId() caseId: string, @CurrentPrincipal() p: Principal) {
    return { caseId, people: await this.queries.execute(new GetCasePeopleQuery(caseId, p.userId)) };
  }
}

/**
 * The family routes that are not about one case yet: using an invitation code (the person knows only their code), and
 * the public request for an assessment, which needs no account (reg 3).
 */
@ApiTags('family')
@UseFilters(DomainErrorFilter)
@Controller('family')
export class FamilyEntryController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('invitations/acceptance')
  @RequireRoles('family')
  @ApiBearerAuth()
  @ApiAuthenticatedProblems()
  @ApiOperation({ operationId: 'acceptFamilyInvitation', summary: 'Use your invitation code, signed in: links you to the case. A code that is unknown, used by someone else or past its end date gets the same 404, which never says whether a case exists.' })
  @ApiOkResponse({ type: dto.AcceptedInvitationResponse })
  @ApiIdempotencyKey()
  @ApiProblems(400, 404, 409, 413, 422)
  @HttpCode(200)
  accept(@Body() b: dto.AcceptInvitationDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.commands.execute(new AcceptInvitationRequest(b.code, p, req));
  }

  @Get('assessment-requests/form-token')
  @Public()
  @Throttle({ 'per-minute': { limit: () => publicRequestLimit() * FORM_LOADS_PER_REQUEST, ttl: 60_000 } })
  @ApiOperation({ operationId: 'publicRequestFormToken', summary: 'Load the request form: a signed token to send it with (one request, no sooner than a person can fill the form in, within 2 hours) and the councils this service covers' })
  @ApiOkResponse({ type: dto.PublicRequestFormResponse })
  @ApiProblems(429)
  formToken() {
    return this.queries.execute(new GetPublicRequestFormQuery());
  }

  @Post('assessment-requests')
  @Public()
  @Throttle({ 'per-minute': { limit: publicRequestLimit, ttl: 60_000 } })
  @HttpCode(202)
  @ApiOperation({ operationId: 'requestAssessmentAsFamily', summary: 'Ask for an EHC needs assessment as a parent or young person, without an account (reg 3): the request goes to the council and you are emailed an invitation to follow it. The answer is a reference, never the case. Sent once: a retry with the same Idempotency-Key (or, without one, the same child, council and email address within a day) answers the first request’s reference with Idempotent-Replayed: true; the same key with another body is 422. Refused without the form’s token (form-token-invalid, form-sent-too-quickly, form-token-used) or with the hidden field filled in (automated-request-refused).' })
  @ApiAcceptedResponse({ type: dto.PublicAssessmentRequestResponse })
  @ApiIdempotencyKey()
  @ApiProblems(400, 409, 413, 422, 429, 503)
  publicRequest(@Body() b: dto.PublicAssessmentRequestDto, @Req() req: CorrelatedRequest) {
    return this.commands.execute(new PublicAssessmentRequest(b, req));
  }
}
