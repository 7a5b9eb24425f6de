import type { Histogram } from 'prom-client';
import { secondsSince } from './service-metrics';

interface RoutedRequest {
  method: string;
  baseUrl?: string;
  /** Set by Express once a route matched: its pattern. */
  route?: { path?: unknown };
}

/**
 * Express middleware: one histogram observation per request when its response ends (or the client goes away), by
 * the route pattern Express matched; requests no route matched (404s, bodies refused before routing) count as
 * `unmatched`, so a scan of random URLs cannot grow the series.
 */
export function httpMetricsMiddleware(histogram: Histogram<'method' | 'route' | 'status'>) {
  return (req: RoutedRequest, res: { statusCode: number; once(event: 'close', listener: () => void): unknown }, next: () => void): void => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const pattern = req.route?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl ?? ''}${pattern}` : 'unmatched';
      histogram.observe({ method: req.method, route, status: String(res.statusCode) }, secondsSince(started));
    });
    next();
  };
}
