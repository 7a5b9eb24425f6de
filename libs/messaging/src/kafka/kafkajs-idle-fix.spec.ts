import { KafkaJsRequestQueue } from './kafkajs-idle-fix';

type Queue = { throttledUntil: number; throttleCheckTimeoutId: NodeJS.Timeout | null; pending: unknown[]; scheduleCheckPendingRequests(): void; checkPendingRequests(): void };
const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const queue = (): Queue => new (KafkaJsRequestQueue as unknown as new (o: object) => Queue)({ maxInFlightRequests: 1, requestTimeout: 1000, enforceRequestTimeout: true, clientId: 'c', broker: 'b', logger });

describe("KafkaJS's request queue (its idle timer loop removed)", () => {
  it('given nothing pending and no throttle, when the queue is checked, then no timer is armed (KafkaJS 2.2.4 armed one every 1 ms)', () => {
    const q = queue();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('given a pending request, then it is checked again as KafkaJS does: in 10 ms, or when a throttle ends', () => {
    const q = queue();
    q.pending.push({});
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(q.throttleCheckTimeoutId as NodeJS.Timeout);
    const throttled = queue();
    throttled.throttledUntil = Date.now() + 60_000;
    throttled.scheduleCheckPendingRequests(); // throttled with nothing pending: still checked when the throttle ends
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    clearTimeout(throttled.throttleCheckTimeoutId as NodeJS.Timeout);
  });
});
