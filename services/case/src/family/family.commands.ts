import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Principal } from '@tio/auth';
import type { AdviceCommandResult } from '@tio/agency-kit';
import type { CorrelatedRequest } from '../http/command-context';
import type * as dto from './family.dtos';
import { FamilyService } from './family.service';
import { PublicRequestService } from './public-request.service';

type Invited = Awaited<ReturnType<FamilyService['invite']>>;
type Accepted = Awaited<ReturnType<FamilyService['accept']>>;
type PublicAnswer = Awaited<ReturnType<PublicRequestService['submit']>>;

/**
 * The family routes' steps that do more than one case command (make a code, keep its digest, hand it to the delivery
 * port; find a code's case; write through the advice kit), on the CommandBus like every write, so the controllers
 * take only the buses. Each case command inside still goes through the case's command pipeline.
 */
export class InviteFamilyMemberRequest extends Command<Invited> {
  constructor(readonly caseId: string, readonly body: dto.InviteFamilyMemberDto, readonly principal: Principal, readonly req: CorrelatedRequest) {
    super();
  }
}

export class AcceptInvitationRequest extends Command<Accepted> {
  constructor(readonly code: string, readonly principal: Principal, readonly req: CorrelatedRequest) {
    super();
  }
}

export class PublicAssessmentRequest extends Command<PublicAnswer> {
  constructor(readonly body: dto.PublicAssessmentRequestDto, readonly req: CorrelatedRequest) {
    super();
  }
}

export type FamilyViewsStep =
  | { kind: 'submit'; body: dto.FamilyViewsDto }
  | { kind: 'correct'; body: dto.FamilyViewsCorrectionDto }
  | { kind: 'withdraw'; body: dto.FamilyViewsWithdrawalDto };

export class FamilyViewsRequest extends Command<AdviceCommandResult> {
  constructor(readonly caseId: string, readonly step: FamilyViewsStep, readonly principal: Principal, readonly req: CorrelatedRequest) {
    super();
  }
}

@CommandHandler(InviteFamilyMemberRequest)
export class InviteFamilyMemberHandler implements ICommandHandler<InviteFamilyMemberRequest> {
  constructor(private readonly family: FamilyService) {}
  execute({ caseId, body, principal, req }: InviteFamilyMemberRequest) {
    return this.family.invite(caseId, body, principal, req);
  }
}

@CommandHandler(AcceptInvitationRequest)
export class AcceptInvitationHandler implements ICommandHandler<AcceptInvitationRequest> {
  constructor(private readonly family: FamilyService) {}
  execute({ code, principal, req }: AcceptInvitationRequest) {
    return this.family.accept(code, principal, req);
  }
}

@CommandHandler(PublicAssessmentRequest)
export class PublicAssessmentRequestHandler implements ICommandHandler<PublicAssessmentRequest> {
  constructor(private readonly requests: PublicRequestService) {}
  execute({ body, req }: PublicAssessmentRequest) {
    return this.requests.submit(body, req);
  }
}

const sectionsOf = (body: dto.FamilyViewsDto) => body.sections.map((s) => ({ heading: s.heading, text: s.text }));

@CommandHandler(FamilyViewsRequest)
export class FamilyViewsHandler implements ICommandHandler<FamilyViewsRequest> {
  constructor(private readonly family: FamilyService) {}
  execute({ caseId, step, principal, req }: FamilyViewsRequest): Promise<AdviceCommandResult> {
    const advice = this.family.adviceCommands;
    return this.family.views(caseId, principal, req, (ctx, adviceRequestId) => {
      const at = step.body && 'at' in step.body && step.body.at ? { at: step.body.at } : {};
      if (step.kind === 'submit') return advice.submit({ caseId, adviceType: 'parent-views', adviceRequestId: adviceRequestId ?? '', sections: sectionsOf(step.body), ...at }, ctx);
      if (step.kind === 'correct') return advice.correct({ caseId, adviceType: 'parent-views', correctsVersion: step.body.correctsVersion, reason: step.body.reason, sections: sectionsOf(step.body), ...at }, ctx);
      return advice.withdraw({ caseId, adviceType: 'parent-views', reason: step.body.reason }, ctx);
    });
  }
}

export const FAMILY_COMMAND_HANDLERS = [InviteFamilyMemberHandler, AcceptInvitationHandler, PublicAssessmentRequestHandler, FamilyViewsHandler];
