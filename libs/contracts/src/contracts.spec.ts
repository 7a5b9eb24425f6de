import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  ASYNCAPI_FILE, EventTypeRegistry, PUBLISHED_SCHEMAS_DIR, createIntegrationEventRegistry, findIncompatibilities, integrationEvents,
  readPublishedSchemas, renderAsyncApiYaml, type JsonSchema,
} from './index';

describe('AsyncAPI document', () => {
  it('is valid AsyncAPI 3.0 according to @asyncapi/parser, with zero errors', async () => {
    const parser = new Parser();
    const yaml = readFileSync(ASYNCAPI_FILE, 'utf8');
    const { document, diagnostics } = await parser.parse(yaml);
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    const addresses = document!.channels().all().map((c) => c.address());
    expect(addresses).toEqual(expect.arrayContaining(['tio.case.events.v1', 'tio.case.events.v1.dlq', 'tio.health.inbound.v1', 'tio.health.inbound.v1.dlq']));
    expect(document!.messages().all().map((m) => m.name())).toEqual(expect.arrayContaining(['ehc.request-received.v1', 'advice.submitted.v1', 'health.advice-submitted.v1']));
    // a routed type is listed on every topic it may be published on
    const onChannel = (address: string) => document!.channels().all().find((c) => c.address() === address)!.messages().all().map((m) => m.name() ?? '');
    for (const topic of ['tio.education.events.v1', 'tio.health.events.v1', 'tio.social-care.events.v1', 'tio.case.events.v1']) {
      expect(onChannel(topic)).toEqual(expect.arrayContaining(['advice.submitted.v1', 'advice.corrected.v1', 'advice.withdrawn.v1']));
    }
    expect(onChannel('tio.health.events.v1').filter((n) => n.startsWith('ehc.'))).toEqual([]);
  });

  it('is exactly what the event registry generates (no drift; regenerate with `npx nx run contracts:generate`)', () => {
    expect(readFileSync(ASYNCAPI_FILE, 'utf8')).toBe(renderAsyncApiYaml(integrationEvents));
  });
});

describe('published event versions', () => {
  const published = readPublishedSchemas();

  it('every registered version has a frozen schema snapshot (run `npx nx run contracts:generate` for a new version)', () => {
    const missing = integrationEvents.all().map((t) => t.type).filter((type) => !published.has(type));
    expect(missing).toEqual([]);
  });

  it('no published version was removed or changed incompatibly', () => {
    const problems: string[] = [];
    for (const [type, schema] of published) {
      const current = integrationEvents.get(type);
      if (!current) problems.push(`${type}: published version no longer registered`);
      else problems.push(...findIncompatibilities(schema, current.schema).map((p) => `${type} ${p}`));
    }
    expect(problems).toEqual([]);
  });

  it('every example payload is valid against its own schema', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const t of integrationEvents.all()) {
      const validate = ajv.compile(t.schema);
      expect({ type: t.type, valid: validate(t.example), errors: validate.errors ?? null }).toEqual({ type: t.type, valid: true, errors: null });
    }
  });

  it(`snapshots live in ${PUBLISHED_SCHEMAS_DIR.split('/').slice(-3).join('/')}`, () => expect(published.size).toBeGreaterThanOrEqual(8));
});

describe('findIncompatibilities', () => {
  const v1 = integrationEvents.get('ehc.request-received.v1')!.schema;
  const clone = (): JsonSchema => JSON.parse(JSON.stringify(v1));

  it('accepts the same schema and an added optional field', () => {
    expect(findIncompatibilities(v1, v1)).toEqual([]);
    const grown = clone();
    grown.properties!['childFirstName'] = { type: 'string' };
    expect(findIncompatibilities(v1, grown)).toEqual([]);
  });

  it('rejects renaming a required field', () => {
    const renamed = clone();
    renamed.properties!['receivedAt'] = renamed.properties!['receivedOn'];
    delete renamed.properties!['receivedOn'];
    renamed.required = renamed.required!.map((f) => (f === 'receivedOn' ? 'receivedAt' : f));
    expect(findIncompatibilities(v1, renamed)).toEqual(expect.arrayContaining([
      '$.receivedOn: required field is no longer required (or was removed/renamed)', '$.receivedAt: new required field', '$.receivedOn: field removed or renamed',
    ]));
  });

  it('rejects changing a field type, removing an enum value, tightening a limit, and nested changes', () => {
    const changed = clone();
    changed.properties!['localAuthority'] = { type: 'integer' };
    changed.properties!['source'] = { ...changed.properties!['source'], enum: ['parent', 'school'] };
    changed.properties!['receivedOn'] = { ...changed.properties!['receivedOn'], format: 'date-time' };
    expect(findIncompatibilities(v1, changed).sort()).toEqual([
      '$.localAuthority: type changed from string to integer',
      '$.receivedOn: format changed from date to date-time',
      '$.source: enum value "other" removed',
      '$.source: enum value "young-person" removed',
    ]);
    const advice = integrationEvents.get('health.advice-submitted.v1')!.schema;
    const nested: JsonSchema = JSON.parse(JSON.stringify(advice));
    nested.properties!['sections'].items!.properties!['heading'].maxLength = 50;
    expect(findIncompatibilities(advice, nested)).toEqual(['$.sections[].heading: maxLength tightened from 200 to 50']);
    const requested = integrationEvents.get('ehc.request-received.v1')!.schema;
    const deeper: JsonSchema = JSON.parse(JSON.stringify(requested));
    deeper.properties!['requestedBy'].required!.push('personRef');
    expect(findIncompatibilities(requested, deeper)).toEqual(['$.requestedBy.personRef: new required field']);
  });
});

describe('EventTypeRegistry', () => {
  it('lets a domain library register its types, mapped from stored event types', () => {
    const registry = createIntegrationEventRegistry();
    const t = registry.register({
      name: 'ehc.assessment-completed', version: 1, direction: 'outbound', topic: 'tio.case.events.v1', summary: 'x',
      schema: { type: 'object', properties: { caseId: { type: 'string' } }, required: ['caseId'] }, example: { caseId: 'c' },
      sourceEventTypes: ['AssessmentCompleted'], toPayload: (d) => ({ caseId: (d as { id: string }).id }),
    });
    expect(t.type).toBe('ehc.assessment-completed.v1');
    expect(t.dataschema).toBe('urn:tio:schema:ehc.assessment-completed.v1');
    expect(registry.forStoredType('AssessmentCompleted')).toBe(t);
    expect(() => registry.register({ ...t, name: 'ehc.assessment-completed', version: 1 })).toThrow(/already registered/);
  });

  it('routes a type to one of several topics by its payload (topicOf), and refuses a single topic for it', () => {
    const registry = new EventTypeRegistry();
    const schema: JsonSchema = { type: 'object', properties: { agency: { type: 'string' } }, required: ['agency'] };
    const routed = registry.register<{ agency: string }>({
      name: 'advice.given', version: 1, direction: 'outbound', summary: 'x', schema, example: { agency: 'health' },
      routing: { topics: ['t.health', 't.education'], topicFor: (d) => (d.agency === 'health' ? 't.health' : d.agency === 'education' ? 't.education' : 't.elsewhere') },
    });
    const single = registry.register({ name: 'case.opened', version: 1, direction: 'outbound', topic: 't.case', summary: 'x', schema, example: { agency: 'x' } });
    expect(routed.topics).toEqual(['t.health', 't.education']);
    expect(registry.topicOf({ type: 'advice.given.v1', data: { agency: 'education' } })).toBe('t.education');
    expect(registry.topicOf({ type: 'case.opened.v1', data: {} })).toBe('t.case');
    expect(() => registry.topicOf({ type: 'advice.given.v1', data: { agency: 'police' } })).toThrow(/routed to t.elsewhere, which is not one of its topics/);
    expect(() => registry.topicOf({ type: 'nope.v1', data: {} })).toThrow(/not registered/);
    expect(() => routed.topic).toThrow(/use registry.topicOf/);
    expect(single.topic).toBe('t.case');
    expect(registry.topics()).toEqual(['t.case', 't.education', 't.health']);
    expect(() => registry.register({ name: 'both.set', version: 1, direction: 'outbound', topic: 't', routing: routed.routing, summary: 'x', schema, example: { agency: 'x' } })).toThrow(/either a topic or a routing/);
    expect(() => registry.register({ name: 'none.set', version: 1, direction: 'outbound', summary: 'x', schema, example: {} })).toThrow(/either a topic or a routing/);
  });

  it('rejects badly named types', () => {
    expect(() => new EventTypeRegistry().register({ name: 'Bad Name', version: 1, direction: 'outbound', topic: 't', summary: '', schema: { type: 'object' }, example: {} })).toThrow(/dotted/);
  });
});
