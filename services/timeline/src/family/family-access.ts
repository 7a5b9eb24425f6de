import { emptyFamily, familyAccessOf, initialState, replay, type EhcEvent, type FamilyAccess, type IsoDate } from '@tio/ehc-domain';

/** A row of `family_links`: one published family event of the case. */
export interface FamilyLinkRow {
  type: string;
  data: Record<string, unknown>;
}

/**
 * What a family member may do on a case, by the domain's own rule (`familyAccessOf`), fed from the case's published
 * family events in their order. The published rights event says `lacksCapacity` where the stored one gives the
 * reason (which stays in the case service): the rule needs only to know that there is one.
 */
export function familyAccessFromLinks(rows: readonly FamilyLinkRow[], subject: string, today: IsoDate): FamilyAccess {
  const events = rows.map((r) => {
    if (r.type !== 'ehc.young-person-rights-recorded.v1' || !r.data['lacksCapacity']) return { type: r.type, data: r.data };
    const { lacksCapacity: _lacksCapacity, ...data } = r.data;
    return { type: r.type, data: { ...data, capacityException: 'lacks capacity (the reason is kept by the case service)' } };
  });
  return familyAccessOf(replay(events as unknown as EhcEvent[], { ...initialState(), family: emptyFamily() }), subject, today);
}
