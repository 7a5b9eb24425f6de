import { CaseScript } from '../testing/fixtures';
import type { SourcedEvent } from '../stores/store-reader';
import { CaseReplay } from './case-replay';

const caseId = 'case-replay-readings';

/** The case's events as stored, each recorded at the instant given (the recorded reading keys on these). */
function stored(recorded: string[]): SourcedEvent[] {
  const script = new CaseScript(caseId);
  const events = [
    ...script.run({ type: 'ReceiveRequest', at: '2025-09-01', childRef: 'c-1', localAuthority: 'E08000025', source: 'parent', requestedBy: { role: 'parent' } } as never),
    ...script.run({ type: 'DecideToAssess', at: '2025-10-06', assessmentId: 'a-1' } as never),
    ...script.run({ type: 'TransferAssessment', at: '2025-11-10', transferId: 't-1', toLocalAuthority: 'E09000033' } as never),
  ];
  return events.map((e, i) => ({
    ...e, source: 'case', streamName: `case-${caseId}`, revision: i, globalPosition: BigInt(i + 1), schemaVersion: 1, hash: `h${i}`, previousHash: i ? `h${i - 1}` : null,
    metadata: { ...e.metadata, recordedAt: recorded[i] as string },
  }));
}

describe('the case as of a business date and as recorded', () => {
  // given a move mid-assessment on 10 November 2025, recorded a week late (17 November)
  const events = stored(['2025-09-01T09:00:00.000Z', '2025-10-06T09:00:00.000Z', '2025-11-17T09:00:00.000Z']);
  const replay = (factsUpTo?: string, recordedBy = '2025-12-01T00:00:00.000Z') => {
    const r = new CaseReplay(caseId, factsUpTo);
    for (const e of events) if (e.metadata.recordedAt <= recordedBy) r.apply(e);
    return r.summary(recordedBy);
  };

  it('when asked by business date before the move, names the old LA and leaves the later fact out, saying so', () => {
    expect(replay('2025-11-07')).toMatchObject({
      reading: 'business-date', businessDate: '2025-11-07', asOfDate: '2025-11-07', eventsReplayed: 2, eventsAfterBusinessDate: 1,
      case: { status: 'assessing', responsibleLocalAuthority: 'E08000025' }, responsible: { localAuthority: 'E08000025' },
    });
  });

  it('when asked by business date on the move day, names the new LA even though the move was recorded a week later', () => {
    expect(replay('2025-11-10')).toMatchObject({ reading: 'business-date', eventsReplayed: 3, eventsAfterBusinessDate: 0, case: { responsibleLocalAuthority: 'E09000033' } });
  });

  it('when asked as recorded on 12 November, names the old LA: the move had happened but was not yet recorded', () => {
    const answer = replay(undefined, '2025-11-12T12:00:00.000Z');
    expect(answer).toMatchObject({ reading: 'recorded', recordedAt: '2025-11-12T12:00:00.000Z', eventsReplayed: 2, case: { responsibleLocalAuthority: 'E08000025' } });
    expect(answer.meaning).toMatch(/^What had been recorded by 2025-11-12T12:00:00.000Z/);
    expect(answer).not.toHaveProperty('businessDate');
  });
});
