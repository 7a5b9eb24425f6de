import { ForbiddenException } from '@nestjs/common';
import type { Caller } from '@tio/event-sourcing';
import { WrongAgencyError } from '../errors';

/**
 * The write rule of an agency's own records (commissioning body, graduated response, assessment references): only
 * practitioners (or systems) of that agency record them. Throws a 403 otherwise; a record's own further checks
 * (e.g. only the school itself) come on top, in its aggregate.
 */
export function authoriseAgencyRecord(agency: string, caller: Caller): void {
  if (caller.agency !== agency) {
    throw new WrongAgencyError(`only ${agency} practitioners record this; the caller is from ${caller.agency}`, { required: agency, actual: caller.agency });
  }
  if (!caller.roles.includes('practitioner') && !caller.roles.includes('service')) {
    throw new ForbiddenException(`only ${agency} practitioners record this; the token has roles ${caller.roles.join(', ')}`);
  }
}
