import type { EhcEventDataMap, EhcEventType } from '../events';
import type { EhcCaseState } from '../state';

/** How one event type changes the case: the event's data folded into the state. */
export type Reducer<K extends EhcEventType> = (state: EhcCaseState, data: EhcEventDataMap[K]) => EhcCaseState;

/** The reducers of one lifecycle area, keyed by event type. */
export type Reducers<K extends EhcEventType> = { readonly [T in K]: Reducer<T> };

export const put = <T>(record: Record<string, T>, id: string, value: T): Record<string, T> => ({ ...record, [id]: value });
