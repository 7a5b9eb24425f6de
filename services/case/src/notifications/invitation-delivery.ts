import { Inject, Injectable } from '@nestjs/common';
import { KEY_STORE } from '@tio/event-sourcing';
import type { IsoDate } from '@tio/ehc-domain';
import { encryptValue, type KeyStore } from '@tio/personal-data';
import { FamilyNotifications } from './family-notifications';

export interface InvitationToDeliver {
  caseId: string;
  invitationId: string;
  /** The one-time code in clear: it exists only in this call and, encrypted with the case key, in the ledger until sent. */
  code: string;
  expiresOn: IsoDate;
}

/** The port the invitation route calls once `ehc.family-member-invited.v1` is recorded: get the code to the person. */
export interface InvitationDelivery {
  /** Queued: the message will be sent (retried until it is); false when notifications are off (the LA hands the code over itself). */
  deliver(invitation: InvitationToDeliver): Promise<{ queued: boolean }>;
}

export const INVITATION_DELIVERY = Symbol('INVITATION_DELIVERY');

/**
 * Invitations by email: one ledger row keyed by the invitation (so a retried request sends one message), the code
 * encrypted with the case's data key (erasing the case's personal data makes it unreadable, and nothing is sent).
 */
@Injectable()
export class EmailInvitationDelivery implements InvitationDelivery {
  constructor(
    private readonly notifications: FamilyNotifications,
    @Inject(KEY_STORE) private readonly keys: KeyStore,
  ) {}

  async deliver({ caseId, invitationId, code }: InvitationToDeliver): Promise<{ queued: boolean }> {
    if (!this.notifications.enabled) return { queued: false };
    const key = await this.keys.keyFor(caseId, { create: true });
    if (key.status !== 'active') return { queued: false };
    await this.notifications.ledger.addFamilyCase(caseId);
    const intent = { source: `invitation:${invitationId}`, templateId: 'invitation' as const, personalisation: {}, recipients: [invitationId] };
    await this.notifications.enqueue(caseId, intent, await this.notifications.caseState(caseId), encryptValue(code, key.key, caseId));
    return { queued: true };
  }
}
