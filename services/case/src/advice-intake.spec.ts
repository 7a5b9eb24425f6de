import { validateInbound } from '@tio/messaging';
import { adviceOnCaseCommand } from './advice-intake';
import { AdviceCorrectedFieldsDto, AdviceSubmittedFieldsDto } from './advice-intake.dto';

const CASE = '5b1c1c1e-2f4a-4c1d-9e55-3f0a7d2b0001';
const fields = {
  caseId: CASE, assessmentId: 'a1', agency: 'social-care', adviceType: 'social-care', adviceRequestId: 'r-sc', adviceId: 'x-sc',
  by: { userRef: 'sw-1' }, idempotencyKey: 'k', fingerprint: 'f', sections: [], citations: [],
};

describe('advice intake: what the case keeps of an agency’s advice being withheld from the family', () => {
  it('Given advice its agency withholds from the family, When it is submitted, Then the case records it received and withheld (never the reason)', () => {
    const command = adviceOnCaseCommand('advice.submitted.v1', { ...fields, version: 1, submittedOn: '2026-03-02', withheldFromFamily: { reason: 'safeguarding-enquiry' } } as never);
    expect(command).toEqual({ type: 'RecordAdviceReceived', caseId: CASE, at: '2026-03-02', adviceRequestId: 'r-sc', adviceId: 'x-sc', version: 1, agency: 'social-care', withheldFromFamily: true });
    expect(JSON.stringify(command)).not.toContain('safeguarding');
  });

  it('Given withheld advice, When a correction without the mark arrives, Then the new version is recorded as not withheld (the latest version decides)', () => {
    const command = adviceOnCaseCommand('advice.corrected.v1', { ...fields, version: 2, supersedesVersion: 1, correctedOn: '2026-03-05', reason: 'released' } as never);
    expect(command).toMatchObject({ type: 'RecordAdviceReceived', version: 2 });
    expect(command).not.toHaveProperty('withheldFromFamily');
  });

  it('accepts a withholding with one of the lawful reasons and refuses any other, so an unreadable mark is never taken for "shared"', async () => {
    const ok = await validateInbound(AdviceSubmittedFieldsDto, { ...fields, version: 1, submittedOn: '2026-03-02', withheldFromFamily: { reason: 'serious-harm' } }, { allowUnknownFields: true });
    expect(ok.valid).toBe(true);
    const bad = await validateInbound(AdviceCorrectedFieldsDto, { ...fields, version: 2, correctedOn: '2026-03-02', withheldFromFamily: { reason: 'because' } }, { allowUnknownFields: true });
    expect(bad).toMatchObject({ valid: false, reason: expect.stringContaining('withheldFromFamily.reason') });
    const notAnObject = await validateInbound(AdviceSubmittedFieldsDto, { ...fields, version: 1, submittedOn: '2026-03-02', withheldFromFamily: true }, { allowUnknownFields: true });
    expect(notAnObject.valid).toBe(false);
  });
});
