import { ACTOR_AGENCIES, DomainError, isActorAgency, SERVICE_AGENCIES } from './index';

describe('actor agencies', () => {
  it('are the agency services, the family and the system', () => {
    expect(ACTOR_AGENCIES).toEqual(['local-authority', 'education', 'health', 'social-care', 'family', 'system']);
    expect(SERVICE_AGENCIES.every((agency) => isActorAgency(agency))).toBe(true);
  });

  it.each([['other'], ['LOCAL-AUTHORITY'], [''], [undefined], [42]])('refuses %p as an actor agency', (value) => {
    expect(isActorAgency(value)).toBe(false);
  });
});

describe('DomainError', () => {
  class ExampleRuleError extends DomainError {
    readonly code = 'example-rule';
  }

  it('names itself after the subclass and keeps its details', () => {
    const error = new ExampleRuleError('refused', { field: 'agency' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ExampleRuleError');
    expect(error.details).toEqual({ field: 'agency' });
    expect(new ExampleRuleError('refused').details).toEqual({});
  });
});
