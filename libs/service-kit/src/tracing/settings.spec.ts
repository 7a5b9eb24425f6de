import { tracingSettings } from './settings';

describe('tracingSettings (the standard OTEL_* variables)', () => {
  it('is off by default, with the service named tio-<service>', () => {
    expect(tracingSettings('case', {})).toEqual({ exporter: 'none', serviceName: 'tio-case' });
  });

  it('exports as OTEL_TRACES_EXPORTER says, under OTEL_SERVICE_NAME', () => {
    expect(tracingSettings('case', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'case-eu' })).toEqual({ exporter: 'otlp', serviceName: 'case-eu' });
    expect(tracingSettings('timeline', { OTEL_TRACES_EXPORTER: 'console' }).exporter).toBe('console');
    expect(tracingSettings('timeline', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }).exporter).toBe('otlp');
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
