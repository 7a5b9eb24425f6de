import { isTopicNotReady, untilTopicsServe } from './topic-not-ready';

describe('a topic the broker does not serve yet', () => {
  const unknown = Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true });

  it('is recognised by its type or its words; other errors, retriable or not, are not', () => {
    expect(isTopicNotReady(unknown)).toBe(true);
    expect(isTopicNotReady({ type: 'LEADER_NOT_AVAILABLE', message: 'There is no leader for this topic-partition as we are in the middle of a leadership election' })).toBe(true);
    expect(isTopicNotReady(new Error('Connection error: connect ECONNREFUSED'))).toBe(false);
    expect(isTopicNotReady({ type: 'TOPIC_AUTHORIZATION_FAILED', retriable: false, message: 'Not authorized to access topics' })).toBe(false);
  });

  it('given the broker refuses twice and then answers, the attempt is retried until it succeeds', async () => {
    let calls = 0;
    const retried: string[] = [];
    const answer = await untilTopicsServe(async () => {
      calls += 1;
      if (calls < 3) throw unknown;
      return 'served';
    }, 5_000, (err) => retried.push(err.message));
    expect(answer).toBe('served');
    expect(calls).toBe(3);
    expect(retried).toEqual([unknown.message, unknown.message]);
  });

  it('gives up at once on any other error, and on this one once the time is over', async () => {
    await expect(untilTopicsServe(async () => { throw new Error('invalid replication factor'); })).rejects.toThrow('invalid replication factor');
    await expect(untilTopicsServe(async () => { throw unknown; }, 0)).rejects.toThrow(unknown.message);
  });
});
