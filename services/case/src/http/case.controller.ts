import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiCommandProblems, ApiIdempotencyKey, ApiProblems } from '@tio/service-kit';
import { CurrentPrincipal, RequireRoles, type Principal } from '@tio/auth';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { statutoryStatus, type EhcCommand } from '@tio/ehc-domain';
import type { CaseCommandResult } from '../case-aggregate';
import { GetCaseQuery } from '../case-queries';
import { newId, runCaseCommand, stepDate, type CorrelatedRequest } from './command-context';
import { DomainErrorFilter } from './domain-error.filter';
import * as dto from './dtos';
import { AnswerEarlyReviewDto, RequestEarlyReviewDto, ShareAdviceWithFamilyDto } from './family-decisions.dtos';
import { planContentsOf } from '../plan/plan-contents.dto';
import { ApiCaseStepAnswer, CaseResponse } from './responses';

const CaseId = () => Param('caseId', new ParseUUIDPipe());
const Id = (name: string) => Param(name, new ParseUUIDPipe());

/** The LA SEND team's lifecycle API. Every write is a command to the case's event-sourced decider. */
@ApiTags('cases')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@UseFilters(DomainErrorFilter)
@RequireRoles('case-officer', 'auditor', 'service')
@Controller('cases')
export class CaseController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private run(command: EhcCommand, principal: Principal, req: CorrelatedRequest): Promise<CaseCommandResult> {
    return runCaseCommand(this.commands, command, principal, req);
  }

  @Post()
  @ApiOperation({ operationId: 'createCase', summary: 'Record a request for an EHC needs assessment (day 0 of the statutory clock, reg 3)' })
  @ApiCaseStepAnswer({ description: 'The request is recorded: day 0 of the statutory clock' })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  receive(@Body() b: dto.ReceiveRequestDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    const caseId = b.caseId ?? newId(req, p, 'caseId');
    const at = stepDate(b.at);
    return this.run(
      {
        type: 'ReceiveRequest', caseId, at, childRef: b.childRef, localAuthority: b.localAuthority, source: b.source, requestedBy: { ...b.requestedBy },
        ...(b.child ? { child: { dateOfBirth: b.child.dateOfBirth, ...(b.child.name !== undefined ? { name: b.child.name } : {}), ...(b.child.nhsNumber !== undefined ? { nhsNumber: b.child.nhsNumber } : {}) } } : {}),
      },
      p,
      req,
    );
  }

  @Get(':caseId')
  @ApiOperation({ operationId: 'getCase', summary: 'The case as its events describe it, with its statutory status today' })
  @ApiOkResponse({ type: CaseResponse })
  @ApiProblems(400, 404)
  async get(@CaseId() caseId: string, @Query() q: dto.StatusQueryDto, @CurrentPrincipal() p: Principal) {
    const { state, revision } = await this.queries.execute(new GetCaseQuery(caseId, p));
    return { caseId, revision, state, status: statutoryStatus(state, stepDate(q.asOf)) };
  }

  @Post(':caseId/decision-to-assess')
  @HttpCode(200)
  @ApiOperation({ operationId: 'decideToAssess', summary: 'Decide to carry out an EHC needs assessment (reg 5: within 6 weeks)' })
  @ApiCaseStepAnswer({ ok: true })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  decideToAssess(@CaseId() caseId: string, @Body() b: dto.DecideToAssessDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'DecideToAssess', caseId, at: stepDate(b.at), assessmentId: b.assessmentId ?? newId(req, p, 'assessmentId') }, p, req);
  }

  @Post(':caseId/decision-not-to-assess')
  @HttpCode(200)
  @ApiOperation({ operationId: 'decideNotToAssess', summary: 'Decide not to assess (reg 5: within 6 weeks; the family may appeal)' })
  @ApiCaseStepAnswer({ ok: true })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  decideNotToAssess(@CaseId() caseId: string, @Body() b: dto.StepDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'DecideNotToAssess', caseId, at: stepDate(b.at) }, p, req);
  }

  @Post(':caseId/advice-requests')
  @ApiOperation({ operationId: 'requestAdvice', summary: 'Ask an adviser for advice (reg 6; due within 6 weeks, reg 8)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  requestAdvice(@CaseId() caseId: string, @Body() b: dto.RequestAdviceDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'RequestAdvice', caseId, at: stepDate(b.at), adviceRequestId: b.adviceRequestId ?? newId(req, p, 'adviceRequestId'), adviceType: b.adviceType, agency: b.agency, adviserRef: b.adviserRef }, p, req);
  }

  @Post(':caseId/advice-reuses')
  @ApiOperation({ operationId: 'reuseAdvice', summary: 'Re-use advice already given, by reference, with everyone’s agreement (reg 6(4): tell it once)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  reuseAdvice(@CaseId() caseId: string, @Body() b: dto.ReuseAdviceDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run(
      {
        type: 'ReuseAdvice', caseId, at: stepDate(b.at), reuseId: b.reuseId ?? newId(req, p, 'reuseId'), adviceType: b.adviceType, agency: b.agency,
        adviceId: b.adviceId, version: b.version, adviceRequestId: b.adviceRequestId, sourceCaseId: b.sourceCaseId, agreement: { ...b.agreement },
      },
      p,
      req,
    );
  }

  @Post(':caseId/decision-not-to-issue')
  @HttpCode(200)
  @ApiOperation({ operationId: 'decideNotToIssuePlan', summary: 'Decide, after assessment, not to issue a plan (reg 10: within 16 weeks)' })
  @ApiCaseStepAnswer({ ok: true })
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  decideNotToIssue(@CaseId() caseId: string, @Body() b: dto.StepDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'DecideNotToIssue', caseId, at: stepDate(b.at) }, p, req);
  }

  @Post(':caseId/draft-plan')
  @ApiOperation({ operationId: 'issueDraftPlan', summary: 'Issue the draft plan (the family then has at least 15 days to comment, reg 13)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  issueDraft(@CaseId() caseId: string, @Body() b: dto.IssueDraftPlanDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'IssueDraftPlan', caseId, at: stepDate(b.at), planId: b.planId ?? newId(req, p, 'planId'), contents: planContentsOf(b.contents) }, p, req);
  }

  @Post(':caseId/family-response')
  @ApiOperation({ operationId: 'recordFamilyResponse', summary: 'Record the parent’s or young person’s comments and preferred setting' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  familyResponse(@CaseId() caseId: string, @Body() b: dto.RecordFamilyResponseDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'RecordFamilyResponse', caseId, at: stepDate(b.at), preferredSettingRef: b.preferredSettingRef, commentsRef: b.commentsRef, nothingMoreToSay: b.nothingMoreToSay }, p, req);
  }

  @Post(':caseId/consultations')
  @ApiOperation({ operationId: 'consultSetting', summary: 'Consult the school or setting to be named (CFA 2014 s.39(2): needed before it is named; a response is expected within 15 days)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  consult(@CaseId() caseId: string, @Body() b: dto.ConsultSettingDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'ConsultSetting', caseId, at: stepDate(b.at), consultationId: b.consultationId ?? newId(req, p, 'consultationId'), settingRef: b.settingRef }, p, req);
  }

  @Post(':caseId/consultations/responses')
  @ApiOperation({ operationId: 'recordSettingResponse', summary: 'Record the consulted setting’s response' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  settingResponse(@CaseId() caseId: string, @Body() b: dto.RecordSettingResponseDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'RecordSettingResponse', caseId, at: stepDate(b.at), consultationId: b.consultationId, canMeetNeeds: b.canMeetNeeds }, p, req);
  }

  @Post(':caseId/final-plan')
  @ApiOperation({ operationId: 'issueFinalPlan', summary: 'Issue the final EHC plan (reg 13(2): within 20 weeks of the request; reg 13(1): from day 16 after the draft unless the family said they had nothing more to say; a named setting must have been consulted, s.39(2))' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  issueFinal(@CaseId() caseId: string, @Body() b: dto.IssueFinalPlanDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'IssueFinalPlan', caseId, at: stepDate(b.at), planId: b.planId ?? newId(req, p, 'planId'), namedSettingRef: b.namedSettingRef, contents: planContentsOf(b.contents) }, p, req);
  }

  @Post(':caseId/amendments')
  @ApiOperation({ operationId: 'proposeAmendment', summary: 'Propose amendments to the plan (reg 22: 15 days to comment, amended plan within 8 weeks)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  propose(@CaseId() caseId: string, @Body() b: dto.ProposeAmendmentDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run(
      { type: 'ProposeAmendment', caseId, at: stepDate(b.at), amendmentId: b.amendmentId ?? newId(req, p, 'amendmentId'), trigger: b.trigger, reviewId: b.reviewId, phaseTransferId: b.phaseTransferId, tribunalOrderId: b.tribunalOrderId, reassessmentId: b.reassessmentId },
      p,
      req,
    );
  }

  @Post(':caseId/amended-plan')
  @ApiOperation({ operationId: 'issueAmendedPlan', summary: 'Issue the amended plan (not before the family’s 15 days end, reg 22(2); within 8 weeks of the proposals, reg 22(3))' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  amend(@CaseId() caseId: string, @Body() b: dto.AmendPlanDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'AmendPlan', caseId, at: stepDate(b.at), amendmentId: b.amendmentId, namedSettingRef: b.namedSettingRef, contents: planContentsOf(b.contents) }, p, req);
  }

  @Post(':caseId/amendments/not-amending')
  @ApiOperation({ operationId: 'decideNotToAmend', summary: 'Decide not to make the proposed amendments after all (reg 22(4) / 28: within 8 weeks of the proposals, with the right of appeal)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  notAmend(@CaseId() caseId: string, @Body() b: dto.DecideNotToAmendDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'DecideNotToAmend', caseId, at: stepDate(b.at), amendmentId: b.amendmentId }, p, req);
  }

  @Post(':caseId/reviews')
  @ApiOperation({ operationId: 'scheduleReview', summary: 'Arrange an annual review meeting (reg 20-21; papers 2 weeks before)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  scheduleReview(@CaseId() caseId: string, @Body() b: dto.ScheduleReviewDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'ScheduleReviewMeeting', caseId, at: stepDate(b.at), reviewId: b.reviewId ?? newId(req, p, 'reviewId'), meetingOn: b.meetingOn }, p, req);
  }

  @Post(':caseId/reviews/:reviewId/papers')
  @ApiOperation({ operationId: 'circulateReviewPapers', summary: 'Record that the review papers were circulated' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  papers(@CaseId() caseId: string, @Id('reviewId') reviewId: string, @Body() b: dto.StepDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'CirculateReviewPapers', caseId, at: stepDate(b.at), reviewId }, p, req);
  }

  @Post(':caseId/reviews/:reviewId/meeting')
  @ApiOperation({ operationId: 'holdReviewMeeting', summary: 'Record that the review meeting was held' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  held(@CaseId() caseId: string, @Id('reviewId') reviewId: string, @Body() b: dto.StepDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'HoldReviewMeeting', caseId, at: stepDate(b.at), reviewId }, p, req);
  }

  @Post(':caseId/reviews/:reviewId/report')
  @ApiOperation({ operationId: 'submitReviewReport', summary: 'Record the review report (within 2 weeks of the meeting)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  report(@CaseId() caseId: string, @Id('reviewId') reviewId: string, @Body() b: dto.StepDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'SubmitReviewReport', caseId, at: stepDate(b.at), reviewId }, p, req);
  }

  @Post(':caseId/reviews/:reviewId/decision')
  @ApiOperation({ operationId: 'makeReviewDecision', summary: 'Decide to maintain, amend or cease the plan (within 4 weeks of the meeting)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  reviewDecision(@CaseId() caseId: string, @Id('reviewId') reviewId: string, @Body() b: dto.ReviewDecisionDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'MakeReviewDecision', caseId, at: stepDate(b.at), reviewId, decision: b.decision }, p, req);
  }

  @Post(':caseId/early-review-requests')
  @ApiOperation({ operationId: 'requestEarlyReview', summary: 'Record a request for an early review of the plan from the family, the school or college, or the LA itself (CFA 2014 s.44(1); reg 20; CoP 9.176); a family member may ask themselves through the family routes' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  requestEarlyReview(@CaseId() caseId: string, @Body() b: RequestEarlyReviewDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'RequestEarlyReview', caseId, at: stepDate(b.at), earlyReviewRequestId: b.earlyReviewRequestId ?? newId(req, p, 'earlyReviewRequestId'), requestedBy: b.requestedBy }, p, req);
  }

  @Post(':caseId/early-review-requests/:earlyReviewRequestId/answer')
  @ApiOperation({ operationId: 'answerEarlyReviewRequest', summary: 'Answer a request for an early review: agreed with the meeting date (scheduled as a reg 20 review, with its notice, papers, report and decision) or declined with reasons. No statutory time limit applies to the answer.' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  answerEarlyReview(@CaseId() caseId: string, @Id('earlyReviewRequestId') earlyReviewRequestId: string, @Body() b: AnswerEarlyReviewDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run(b.answer === 'agreed'
      ? { type: 'AnswerEarlyReviewRequest', caseId, at: stepDate(b.at), earlyReviewRequestId, answer: 'agreed', reviewId: b.reviewId ?? newId(req, p, 'reviewId'), meetingOn: b.meetingOn }
      : { type: 'AnswerEarlyReviewRequest', caseId, at: stepDate(b.at), earlyReviewRequestId, answer: 'declined', reasons: b.reasons }, p, req);
  }

  @Post(':caseId/advice-shares')
  @ApiOperation({ operationId: 'shareAdviceWithFamily', summary: 'Share advice with the family before the draft plan (reg 13 shares it all with the draft): the advice named, or all received so far. From then on the family sees it, except advice its agency marked not for sharing with the family.' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  shareAdvice(@CaseId() caseId: string, @Body() b: ShareAdviceWithFamilyDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({
      type: 'ShareAdviceWithFamily', caseId, at: stepDate(b.at), shareId: newId(req, p, 'shareId'), ...(b.adviceIds ? { adviceIds: b.adviceIds } : {}),
      sharedBy: { userId: p.userId, organisationId: p.organisationId },
    }, p, req);
  }

  @Post(':caseId/phase-transfers')
  @ApiOperation({ operationId: 'schedulePhaseTransfer', summary: 'Schedule a phase transfer (reg 18: plan amended by 15 Feb / 31 Mar / 5 months before)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  phaseTransfer(@CaseId() caseId: string, @Body() b: dto.SchedulePhaseTransferDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'SchedulePhaseTransfer', caseId, at: stepDate(b.at), phaseTransferId: b.phaseTransferId ?? newId(req, p, 'phaseTransferId'), kind: b.kind, transferOn: b.transferOn }, p, req);
  }

  @Post(':caseId/cessation')
  @ApiOperation({ operationId: 'ceasePlan', summary: 'Cease to maintain the plan: only after a decision to cease (regs 29-31), once the time for appealing has passed or the appeal is concluded (reg 31), or under a Tribunal order to cease (reg 44(2))' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  cease(@CaseId() caseId: string, @Body() b: dto.CeasePlanDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'CeasePlan', caseId, at: stepDate(b.at), ...(b.reason ? { reason: b.reason } : {}) }, p, req);
  }

  @Post(':caseId/cessation-proposals')
  @ApiOperation({ operationId: 'proposeCessation', summary: 'Propose to cease the plan and tell the family (reg 29)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  proposeCessation(@CaseId() caseId: string, @Body() b: dto.ProposeCessationDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'ProposeCessation', caseId, at: stepDate(b.at), cessationId: b.cessationId ?? newId(req, p, 'cessationId'), reason: b.reason }, p, req);
  }

  @Post(':caseId/cessation-proposals/:cessationId/consultations')
  @ApiOperation({ operationId: 'recordCessationConsultation', summary: 'Record the consultation of the parent or young person, or of the institution, on ceasing the plan (reg 29)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  consultOnCessation(@CaseId() caseId: string, @Id('cessationId') cessationId: string, @Body() b: dto.CessationConsultationDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'RecordCessationConsultation', caseId, at: stepDate(b.at), cessationId, consultee: b.consultee, ...(b.institutionRef ? { institutionRef: b.institutionRef } : {}) }, p, req);
  }

  @Post(':caseId/cessation-proposals/:cessationId/decision')
  @ApiOperation({ operationId: 'decideToCease', summary: 'Decide to cease the plan after consulting the family and the institution (reg 29, 31); the plan stays maintained meanwhile' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  decideToCease(@CaseId() caseId: string, @Id('cessationId') cessationId: string, @Body() b: dto.StepDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'DecideToCease', caseId, at: stepDate(b.at), cessationId }, p, req);
  }

  @Post(':caseId/reassessment-requests')
  @ApiOperation({ operationId: 'requestReassessment', summary: 'Record a request for reassessment from the family, the institution or the NHS commissioning body (CFA 2014 s.44(2); reg 24): the LA decides within 15 days (reg 25)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  requestReassessment(@CaseId() caseId: string, @Body() b: dto.RequestReassessmentDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'RequestReassessment', caseId, at: stepDate(b.at), reassessmentId: b.reassessmentId ?? newId(req, p, 'reassessmentId'), requestedBy: b.requestedBy }, p, req);
  }

  @Post(':caseId/reassessment-requests/:reassessmentId/decision')
  @ApiOperation({ operationId: 'decideOnReassessment', summary: 'Decide whether to reassess (reg 25; not to reassess is appealable, s.51(2)(d)); reassessing opens its own assessment for advice (reg 26) with the amended plan due within 14 weeks (reg 27)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  decideOnReassessment(@CaseId() caseId: string, @Id('reassessmentId') reassessmentId: string, @Body() b: dto.DecideOnReassessmentDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    const assessmentId = b.decision === 'reassess' ? (b.assessmentId ?? newId(req, p, 'assessmentId')) : b.assessmentId;
    return this.run({ type: 'DecideOnReassessment', caseId, at: stepDate(b.at), reassessmentId, decision: b.decision, ...(assessmentId ? { assessmentId } : {}) }, p, req);
  }

  @Post(':caseId/appeal-notices')
  @ApiOperation({ operationId: 'notifyAppealRights', summary: 'Record the notice of an appealable decision with the right of appeal, mediation, disagreement resolution and the information, advice and support service (regs 5(3), 10(3), 14, 22(4), 31)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  appealNotice(@CaseId() caseId: string, @Body() b: dto.NotifyAppealRightsDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run(
      {
        type: 'NotifyAppealRights', caseId, at: stepDate(b.at), noticeId: b.noticeId ?? newId(req, p, 'noticeId'), decision: b.decision,
        ...(b.amendmentId ? { amendmentId: b.amendmentId } : {}), ...(b.cessationId ? { cessationId: b.cessationId } : {}),
        ...(b.reassessmentId ? { reassessmentId: b.reassessmentId } : {}), includes: { ...b.includes },
      },
      p,
      req,
    );
  }

  @Post(':caseId/mediations')
  @ApiOperation({ operationId: 'recordMediationDecision', summary: 'Record the family’s choice whether to mediate after the mediation adviser’s advice (certificate within 3 working days of not mediating, reg 33; mediation within 30 days, reg 37)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  mediation(@CaseId() caseId: string, @Body() b: dto.MediationDecisionDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'RecordMediationDecision', caseId, at: stepDate(b.at), mediationId: b.mediationId ?? newId(req, p, 'mediationId'), noticeId: b.noticeId, adviceGivenOn: b.adviceGivenOn, choice: b.choice }, p, req);
  }

  @Post(':caseId/mediations/:mediationId/meeting')
  @ApiOperation({ operationId: 'recordMediationHeld', summary: 'Record that the mediation was held, with its outcome (certificate within 3 working days, reg 39)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  mediationHeld(@CaseId() caseId: string, @Id('mediationId') mediationId: string, @Body() b: dto.MediationHeldDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'RecordMediationHeld', caseId, at: stepDate(b.at), mediationId, outcome: b.outcome }, p, req);
  }

  @Post(':caseId/mediations/:mediationId/certificate')
  @ApiOperation({ operationId: 'issueMediationCertificate', summary: 'Record the mediation certificate (the appeal window: 2 months from the decision or 1 month from the certificate, whichever is later)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  mediationCertificate(@CaseId() caseId: string, @Id('mediationId') mediationId: string, @Body() b: dto.StepDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'IssueMediationCertificate', caseId, at: stepDate(b.at), mediationId }, p, req);
  }

  @Post(':caseId/appeals')
  @ApiOperation({ operationId: 'registerAppeal', summary: 'Record an appeal registered by the First-tier Tribunal (SEND) against a notified decision (in time or not)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  registerAppeal(@CaseId() caseId: string, @Body() b: dto.RegisterAppealDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'RegisterAppeal', caseId, at: stepDate(b.at), appealId: b.appealId ?? newId(req, p, 'appealId'), noticeId: b.noticeId, ...(b.hearingOn ? { hearingOn: b.hearingOn } : {}) }, p, req);
  }

  @Post(':caseId/appeals/:appealId/decision')
  @ApiOperation({ operationId: 'decideAppeal', summary: 'Record the appeal’s outcome (allowed, dismissed, withdrawn, conceded); orders follow as tribunal orders' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  decideAppeal(@CaseId() caseId: string, @Id('appealId') appealId: string, @Body() b: dto.DecideAppealDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'DecideAppeal', caseId, at: stepDate(b.at), appealId, outcome: b.outcome, ...(b.hearingOn ? { hearingOn: b.hearingOn } : {}) }, p, req);
  }

  @Post(':caseId/exceptions')
  @ApiOperation({ operationId: 'recordException', summary: 'Record an exception to a time limit with its reason and dates (reg 5(4), 8(2), 10(4), 13(3), 44(3))' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  exception(@CaseId() caseId: string, @Body() b: dto.RecordExceptionDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run(
      {
        type: 'RecordException', caseId, at: stepDate(b.at), exceptionId: b.exceptionId ?? newId(req, p, 'exceptionId'), limit: b.limit, adviceRequestId: b.adviceRequestId, tribunalOrderId: b.tribunalOrderId, reason: b.reason, fromOn: b.fromOn, toOn: b.toOn,
        closedSetting: b.closedSetting, adviceRequestedOn: b.adviceRequestedOn,
      },
      p,
      req,
    );
  }

  @Post(':caseId/tribunal-orders')
  @ApiOperation({ operationId: 'recordTribunalOrder', summary: 'Record a First-tier Tribunal order (reg 44), or under reg 45 the LA’s notice to the Tribunal that it will not oppose the appeal (at = that notice); new clocks start from it' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  tribunal(@CaseId() caseId: string, @Body() b: dto.RecordTribunalOrderDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'RecordTribunalOrder', caseId, at: stepDate(b.at), orderId: b.orderId ?? newId(req, p, 'orderId'), regulation: b.regulation, kind: b.kind }, p, req);
  }

  @Post(':caseId/transfers')
  @ApiOperation({ operationId: 'notifyTransfer', summary: 'Record that the family is moving to another local authority (reg 15)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  notifyTransfer(@CaseId() caseId: string, @Body() b: dto.NotifyTransferDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'NotifyTransfer', caseId, at: stepDate(b.at), transferId: b.transferId ?? newId(req, p, 'transferId'), toLocalAuthority: b.toLocalAuthority, moveOn: b.moveOn }, p, req);
  }

  @Post(':caseId/transfers/:transferId/completion')
  @ApiOperation({ operationId: 'completeTransfer', summary: 'Transfer the plan: the new local authority is responsible from this day' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  completeTransfer(@CaseId() caseId: string, @Id('transferId') transferId: string, @Body() b: dto.StepDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'TransferPlan', caseId, at: stepDate(b.at), transferId }, p, req);
  }

  @Post(':caseId/transfers/:transferId/reassessment-decision')
  @ApiOperation({ operationId: 'decideReassessmentAfterTransfer', summary: 'The new local authority tells the family whether it will reassess (within 6 weeks)' })
  @ApiCaseStepAnswer()
  @ApiIdempotencyKey()
  @ApiCommandProblems()
  reassessment(@CaseId() caseId: string, @Id('transferId') transferId: string, @Body() b: dto.ReassessmentDecisionDto, @CurrentPrincipal() p: Principal, @Req() req: CorrelatedRequest) {
    return this.run({ type: 'DecideReassessmentAfterTransfer', caseId, at: stepDate(b.at), transferId, willReassess: b.willReassess }, p, req);
  }
}
