import { InboundAdviceSubmittedV1Dto, integrationEvents } from '@tio/contracts';
import { validateInbound } from './validate-inbound';

describe('validateInbound', () => {
  const example = integrationEvents.get('health.advice-submitted.v1')!.example as InboundAdviceSubmittedV1Dto;

  it('accepts a valid payload and returns the DTO instance', async () => {
    const result = await validateInbound(InboundAdviceSubmittedV1Dto, example);
    expect(result.valid).toBe(true);
    if (result.valid) expect(result.value).toBeInstanceOf(InboundAdviceSubmittedV1Dto);
  });

  it('names every failing field and constraint, nested and unknown fields included', async () => {
    const result = await validateInbound(InboundAdviceSubmittedV1Dto, { ...example, submittedAt: 'last tuesday', sections: [{ heading: 'x' }], extra: 1 });
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.errors).toEqual(expect.arrayContaining([
      { field: 'submittedAt', constraints: { isIso8601: 'submittedAt must be a valid ISO 8601 date string' } },
      { field: 'extra', constraints: { whitelistValidation: 'property extra should not exist' } },
      { field: 'sections[0].text', constraints: { isLength: 'text must be longer than or equal to 1 characters', isString: 'text must be a string' } },
    ]));
    expect(result.errors).toHaveLength(3);
    expect(result.reason).toContain('submittedAt (isIso8601: submittedAt must be a valid ISO 8601 date string)');
  });

  it('rejects a payload that is not an object', async () => {
    expect(await validateInbound(InboundAdviceSubmittedV1Dto, [1])).toMatchObject({ valid: false, reason: 'validation failed: $ (isObject: payload must be a JSON object)' });
  });
});

describe('validateInbound and hostile nesting', () => {
  class Flat {
    a?: unknown;
  }
  it('refuses a payload nested deeper than the limit before class-transformer sees it', async () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    const result = await validateInbound(Flat, deep);
    expect(result.valid).toBe(false);
    expect(!result.valid && result.reason).toMatch(/nested deeper than 32 levels/);
  });

  it('refuses a reserved key anywhere (it crashed class-transformer and would have blocked the partition), naming where', async () => {
    const example = integrationEvents.get('health.advice-submitted.v1')!.example as InboundAdviceSubmittedV1Dto;
    const nested = JSON.parse(`{"sections":[{"heading":"x","text":"y","extra":{"constructor":"1"}}]}`);
    expect(await validateInbound(InboundAdviceSubmittedV1Dto, { ...example, ...nested })).toMatchObject({
      valid: false, reason: expect.stringContaining('sections[0].extra.constructor (reservedKey: payload has a reserved key'),
    });
    const proto = JSON.parse('{"__proto__":{"polluted":true}}');
    expect(await validateInbound(InboundAdviceSubmittedV1Dto, proto, { allowUnknownFields: true })).toMatchObject({ valid: false, reason: expect.stringContaining('__proto__') });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('with allowUnknownFields checks only the DTO fields and passes the payload on unchanged', async () => {
    const example = integrationEvents.get('health.advice-submitted.v1')!.example as InboundAdviceSubmittedV1Dto;
    const payload = { ...example, somethingElse: { deep: [1, 2] } };
    const result = await validateInbound(InboundAdviceSubmittedV1Dto, payload, { allowUnknownFields: true });
    expect(result).toEqual({ valid: true, value: payload });
  });
});
