/**
 * KafkaJS 2.2.4 keeps a 1 ms timer loop running on every broker connection that has nothing to send
 * (`RequestQueue.scheduleCheckPendingRequests` re-arms itself with a negative delay when no request is pending and
 * the connection is not throttled: tulios/kafkajs#1556, #1704, fix proposed in #1667, not released). Every service
 * process has several such connections (producers, consumers, admin), so each burned tens of ms of CPU per second
 * doing nothing, idle or not. Installed once, before any client is made: the same method, except that with nothing
 * pending and no throttle it schedules nothing. A request that cannot be sent at once is pending (and scheduled as
 * before, every 10 ms or when the throttle ends); a completed request checks the queue itself.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueInternals };

interface RequestQueueInternals {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** KafkaJS's own interval for re-checking a queue with pending requests. */
const CHECK_PENDING_REQUESTS_INTERVAL = 10;

export const KAFKAJS_IDLE_LOOP_FIXED = Symbol.for('tio.kafkajs.idle-loop-fixed');

const prototype = RequestQueue.prototype as RequestQueueInternals & { [KAFKAJS_IDLE_LOOP_FIXED]?: true };
if (!prototype[KAFKAJS_IDLE_LOOP_FIXED]) {
  prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
    let scheduleAt = this.throttledUntil - Date.now();
    if (this.throttleCheckTimeoutId) return;
    if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL;
    else if (scheduleAt <= 0) return; // nothing to send and not throttled: no loop
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, scheduleAt);
  };
  prototype[KAFKAJS_IDLE_LOOP_FIXED] = true;
}

export { RequestQueue as KafkaJsRequestQueue };
