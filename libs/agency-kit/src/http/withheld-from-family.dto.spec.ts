import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SubmitAdviceDto } from './dtos';

// The agency's HTTP input for keeping advice from the family's view: optional, and only with a lawful ground from the list.
const body = (extra: Record<string, unknown>) => plainToInstance(SubmitAdviceDto, {
  adviceRequestId: '9a1b2c3d-4e5f-4061-8728-39a4b5c60003', adviceType: 'social-care', sections: [{ heading: 'Family context', text: 'Known to early help.' }], ...extra,
});
const problems = (extra: Record<string, unknown>) => validateSync(body(extra)).flatMap((e) => [e.property, ...(e.children ?? []).flatMap((c) => [c.property, ...Object.values(c.constraints ?? {})])]);

describe('withheldFromFamily on the advice an agency gives (validated at the agency kit)', () => {
  it('Given no marker, then the advice is valid (the family will see it with the draft plan)', () => {
    expect(problems({})).toEqual([]);
  });
  it('Given a lawful ground, then it is valid', () => {
    for (const reason of ['serious-harm', 'third-party-information', 'safeguarding-enquiry']) expect(problems({ withheldFromFamily: { reason } })).toEqual([]);
  });
  it('Given a reason outside the list, or no reason, then the field and its reason are named', () => {
    expect(problems({ withheldFromFamily: { reason: 'because' } })).toEqual(['withheldFromFamily', 'reason', 'reason must be one of serious-harm, third-party-information, safeguarding-enquiry']);
    expect(problems({ withheldFromFamily: {} })).toEqual(['withheldFromFamily', 'reason', 'reason must be one of serious-harm, third-party-information, safeguarding-enquiry']);
  });
});
