import request from 'supertest';
import { tokenFor } from './tokens';

export { metricLabelValues, metricValue } from '@tio/service-kit';

/** `GET /metrics` as the Prometheus scraper (role `service`): the text it would store. */
export async function scrapeMetrics(server: Parameters<typeof request>[0]): Promise<string> {
  const scraper = await tokenFor({ userId: 'prometheus', organisationId: 'tio-ops', agency: 'system', roles: ['service'] });
  const res = await request(server).get('/metrics').set('Authorization', `Bearer ${scraper}`).expect(200);
  return res.text;
}
