// Reading the Prometheus text format back: what the tests check on a scrape (and what an operator's script may use).

/**
 * The value of one series in Prometheus text: `name` with at least the given labels (others may be present), or
 * undefined when no such line exists. Several matching lines are summed (e.g. a count over every status).
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) total = (total ?? 0) + Number(match[3]);
  }
  return total;
}

/** The distinct values one label takes in a metric's series (e.g. every `route` the HTTP histogram has seen). */
export function metricLabelValues(text: string, name: string, label: string): string[] {
  const values = new Set<string>();
  const pattern = new RegExp(`^${name}\\{[^}]*\\b${label}="((?:[^"\\\\]|\\\\.)*)"`);
  for (const line of text.split('\n')) {
    const m = pattern.exec(line);
    if (m) values.add(m[1]);
  }
  return [...values].sort();
}
