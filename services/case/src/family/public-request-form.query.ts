import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PublicRequestService } from './public-request.service';

type PublicRequestForm = ReturnType<PublicRequestService['formToken']>;

/** A token to send the public request form with, and the councils it may go to (nothing is read or recorded). */
export class GetPublicRequestFormQuery extends Query<PublicRequestForm> {}

@QueryHandler(GetPublicRequestFormQuery)
export class GetPublicRequestFormHandler implements IQueryHandler<GetPublicRequestFormQuery> {
  constructor(private readonly requests: PublicRequestService) {}

  execute(): Promise<PublicRequestForm> {
    return Promise.resolve(this.requests.formToken());
  }
}
