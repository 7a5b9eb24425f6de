import './tracing'; // first: see tracing.ts
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { createPageServerApp } from '@tio/service-kit';
import type { NextFunction, Request, Response } from 'express';
import { webConfig } from './config';
import { GOVUK_DIST } from './render';
import { WebModule } from './web.module';

/**
 * Headers on every answer: a per-request nonce for the one inline script of the GOV.UK template, scripts and styles
 * from this service only, forms posting here or to the identity provider (sign-out redirects there), no framing, no
 * referrer (URLs carry case ids), and pages not cached (they show case data).
 */
function securityHeaders(...issuers: Array<string | undefined>) {
  const providers = issuers.filter((i): i is string => Boolean(i)).map((i) => new URL(i).origin).join(' ');
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString('base64');
    res.locals['cspNonce'] = nonce;
    res.setHeader('content-security-policy', [
      "default-src 'self'", `script-src 'self' 'nonce-${nonce}'`, "style-src 'self'", "img-src 'self' data:", "font-src 'self' data:",
      `form-action 'self' ${providers}`, "frame-ancestors 'none'", "base-uri 'self'", "object-src 'none'",
    ].join('; '));
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    if (!/^\/(assets|stylesheets|javascripts)\//.test(req.path)) res.setHeader('cache-control', 'no-store');
    next();
  };
}

async function main(): Promise<void> {
  const config = webConfig();
  const app = await createPageServerApp('web', WebModule);
  app.disable('x-powered-by');
  app.set('trust proxy', process.env['TRUST_PROXY'] === '1');
  app.use(securityHeaders(config.issuer, config.citizen?.issuer));
  app.useStaticAssets(join(GOVUK_DIST, 'govuk', 'assets'), { prefix: '/assets', index: false });
  app.useStaticAssets(join(__dirname, 'public'), { index: false });
  for (const prefix of ['/stylesheets', '/javascripts']) app.useStaticAssets(join(GOVUK_DIST, 'govuk'), { prefix, index: false });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  new Logger('bootstrap').log(`web listening on http://${config.host}:${config.port} (identity provider ${config.issuer}, families' ${config.citizen?.issuer ?? 'none'}, timeline ${config.timelineUrl})`);
  // the run command closes a service by ending its stdin (as the other services do)
  if (process.env['TIO_WATCH_STDIN'] === '1') {
    process.stdin.resume();
    process.stdin.on('end', () => void app.close().then(() => process.exit(0)));
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
