import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@tio/local-infra';
import { lintOpenApi, servedOpenApi, type LintResult } from './openapi';
import type { TestService } from './test-service';

export interface OpenApiCensus {
  lint: LintResult;
  /** Responses the test received and validated against the served document. */
  validated: number;
  /** What did not conform: an undocumented route, status or media type, or a body the schema refuses. */
  undocumented: string[];
}

/**
 * Lints the service's served document (spectral:oas and our rules) and validates every response the test has
 * received so far against it. Run last in a suite, after the calls it should cover; the test expects
 * `{ errors: [], undocumented: [] }`.
 */
export async function openApiCensus(service: TestService, name: string): Promise<OpenApiCensus> {
  const document = await servedOpenApi(service.server);
  // kept for reading (tmp/ is ignored by git): what an integrator would fetch
  const dir = join(workspaceRoot(), 'tmp', 'openapi');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(document, null, 2));
  const lint = await lintOpenApi(document);
  const conformance = await service.conformance();
  const byStatus = new Map<string, number>();
  for (const o of conformance.checked) byStatus.set(String(o.status), (byStatus.get(String(o.status)) ?? 0) + 1);
  console.log(
    `[openapi] ${name}: lint ${lint.errors.length} errors, ${lint.warnings.length} warnings; ${conformance.checked.length} responses validated ` +
      `(${[...byStatus].map(([s, n]) => `${s}: ${n}`).join(', ')}), ${conformance.undocumented.length} undocumented` +
      [...lint.errors, ...lint.warnings.map((w) => `warning ${w}`), ...counted(conformance.undocumented)].map((p) => `\n  ${p}`).join(''),
  );
  return { lint, validated: conformance.checked.length, undocumented: conformance.undocumented };
}

/** Each distinct line once, with how many times it occurred. */
function counted(lines: string[]): string[] {
  const n = new Map<string, number>();
  for (const l of lines) n.set(l, (n.get(l) ?? 0) + 1);
  return [...n].map(([l, k]) => (k > 1 ? `${l} (x${k})` : l));
}
