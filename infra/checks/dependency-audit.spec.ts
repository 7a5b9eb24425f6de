import { evaluateAudit, type AuditException } from '../scripts/dependency-audit';

const report = (vulnerabilities: Record<string, unknown>, counts: Record<string, number> = {}) => JSON.stringify({ auditReportVersion: 2, vulnerabilities, metadata: { vulnerabilities: counts } });
const high = {
  severity: 'high',
  via: [{ source: 1, name: 'lodash', title: 'Prototype Pollution', url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw', severity: 'high' }],
};

describe('dependency audit decision (npm test)', () => {
  it('passes a report with no high or critical advisory', () => {
    expect(evaluateAudit(report({ debug: { severity: 'low', via: [{ severity: 'low', url: 'x' }] } }, { low: 1 }), [], '2026-11-27')).toEqual({ kind: 'clean', counts: { low: 1 } });
  });

  it('fails on a high advisory that no exception accepts, naming package and advisory', () => {
    expect(evaluateAudit(report({ lodash: high }), [], '2026-11-27')).toEqual({ kind: 'failed', findings: ['lodash: high GHSA-p6mc-m468-83gw Prototype Pollution'] });
  });

  it('accepts an advisory listed in the exceptions until its date, and fails again after it', () => {
    const exceptions: AuditException[] = [{ advisory: 'GHSA-p6mc-m468-83gw', package: 'lodash', reason: 'dev-only tool, no untrusted input', until: '2026-12-31' }];
    expect(evaluateAudit(report({ lodash: high }), exceptions, '2026-11-27')).toMatchObject({ kind: 'accepted' });
    expect(evaluateAudit(report({ lodash: high }), exceptions, '2027-01-01')).toEqual({ kind: 'failed', findings: ['lodash: high GHSA-p6mc-m468-83gw Prototype Pollution (exception expired 2026-12-31)'] });
  });

  it('does not count a package that is only vulnerable through another (reported under that one)', () => {
    expect(evaluateAudit(report({ lodash: high, wrapper: { severity: 'high', via: ['lodash'] } }), [], '2026-11-27')).toEqual({ kind: 'failed', findings: ['lodash: high GHSA-p6mc-m468-83gw Prototype Pollution'] });
  });

  it('reports the endpoint as unavailable (the documented exception) when npm gives an error instead of a report', () => {
    const refused = JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405 });
    expect(evaluateAudit(refused, [], '2026-11-27')).toEqual({ kind: 'unavailable', reason: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk' });
    expect(evaluateAudit('', [], '2026-11-27')).toMatchObject({ kind: 'unavailable' });
  });
});
