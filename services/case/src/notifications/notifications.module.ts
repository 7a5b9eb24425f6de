import { Module } from '@nestjs/common';
import { FamilyNotifications } from './family-notifications';
import { EmailInvitationDelivery, INVITATION_DELIVERY } from './invitation-delivery';
import { FamilyNotificationsReaction } from './notifications.reaction';

/** Messages to families (issue #21 item 4): the ledger, its sender and deadline job, the reaction, invitations. */
@Module({
  providers: [FamilyNotifications, FamilyNotificationsReaction, EmailInvitationDelivery, { provide: INVITATION_DELIVERY, useExisting: EmailInvitationDelivery }],
  exports: [FamilyNotifications, INVITATION_DELIVERY],
})
export class NotificationsModule {}
