import { tracingSettings } from './settings';

describe('tracingSettings (the standard OTEL_* variables)', () => {
  it('is off by default, with the service named tio-<service>', () => {
    expect(tracingSettings('case', {})).toEqual({ exporter: 'none', serviceName: 'tio-case' });
  });

  it('exports as OTEL_TRACES_EXPORTER says, under OTEL_SERVICE_NAME', () => {
    expect(tracingSettings('case', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'case-eu' })).toEqual({ exporter: 'otlp', serviceName: 'case-eu', endpoint: 'http://localhost:4318/v1/traces' });
    expect(tracingSettings('timeline', { OTEL_TRACES_EXPORTER: 'console' }).exporter).toBe('console');
    expect(tracingSettings('timeline', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }).exporter).toBe('otlp');
  });

  it('sends to the traces endpoint as given, or to the general one plus /v1/traces', () => {
    const otlp = { OTEL_TRACES_EXPORTER: 'otlp' };
    expect(tracingSettings('case', { ...otlp, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).endpoint).toBe('http://collector:4318/v1/traces');
    expect(tracingSettings('case', { ...otlp, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/in' }).endpoint).toBe('https://traces.example/in');
    expect(() => tracingSettings('case', { ...otlp, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http\(s\) URL/);
    expect(() => tracingSettings('case', { ...otlp, OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/);
  });

  it('OTEL_SDK_DISABLED=true wins over an exporter', () => {
    expect(tracingSettings('case', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }).exporter).toBe('none');
  });

  it('refuses values it would otherwise ignore, naming the variable', () => {
    expect(() => tracingSettings('case', { OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER must be otlp, console or none/);
    expect(() => tracingSettings('case', { OTEL_TRACES_EXPORTER: 'otlp,console' })).toThrow(/OTEL_TRACES_EXPORTER takes one exporter/);
    expect(() => tracingSettings('case', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported/);
    expect(() => tracingSettings('case', { OTEL_SDK_DISABLED: 'yes' })).toThrow(/OTEL_SDK_DISABLED must be true or false/);
  });
});
