import { ForbiddenException } from '@nestjs/common';
import type { Caller } from '@tio/event-sourcing';
import { familyAccessOf, type EhcCaseState, type EhcCommand } from '@tio/ehc-domain';

/**
 * The role of the public assessment request (reg 3: a parent or young person may ask without an account): the
 * service records the request and the invitation to follow it on the requester's behalf. Tokens never carry it
 * (`@tio/auth` ROLES), so no HTTP caller can.
 */
export const PUBLIC_REQUEST_ROLE = 'public-request';

/** What a family member may record themselves: the same commands the LA's routes record. */
const FAMILY_ACTS: ReadonlySet<EhcCommand['type']> = new Set(['RecordFamilyResponse', 'RequestReassessment', 'RequestEarlyReview', 'AskForAdvice', 'RecordYoungPersonRights']);

/**
 * A family member's command, checked on the state the command is decided on: using a code links only the person
 * who signed in; every other act needs a link to this case that may act now (familyAccessOf), is made as the family
 * (requestedBy parent-or-young-person), and the young person's choice for their parents is theirs alone.
 */
export function authoriseFamilyCommand(command: EhcCommand, state: EhcCaseState, caller: Caller): void {
  if (command.type === 'AcceptFamilyInvitation') {
    if (command.subject !== caller.userId) throw new ForbiddenException('an invitation code links the person who signed in with it');
    return;
  }
  if (!FAMILY_ACTS.has(command.type)) throw new ForbiddenException('family members record their views, responses and requests through the family routes');
  const access = familyAccessOf(state, caller.userId, command.at);
  if (!access.act) throw new ForbiddenException(`you may not act on this case: ${access.why}`);
  if ((command.type === 'RequestReassessment' || command.type === 'RequestEarlyReview') && command.requestedBy !== 'parent-or-young-person') {
    throw new ForbiddenException('a family member asks as the parent or young person');
  }
  if (command.type === 'RecordYoungPersonRights' && (access.relationship !== 'young-person' || !command.holdsRights || command.capacityException !== undefined)) {
    throw new ForbiddenException('only the young person who holds the rights chooses what their parents may see or do');
  }
}

/** The public request records a request from a parent or young person and the invitation to follow it; nothing else. */
export function authorisePublicRequest(command: EhcCommand): void {
  if (command.type === 'ReceiveRequest' && (command.source === 'parent' || command.source === 'young-person')) return;
  if (command.type === 'InviteFamilyMember') return;
  throw new ForbiddenException('the public request records a request for an assessment and its invitation only');
}
