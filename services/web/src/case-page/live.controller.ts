import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { WebRequest } from '../auth/session.middleware';
import type { WebSession } from '../auth/sessions';
import { TimelineApi } from '../timeline-api';
import { readableEntry, type TimelineEntry } from './entry-text';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One Server-Sent Event block rewritten for the page: an entry as it reads; other events passed on as they are. */
export function rewriteEvent(block: string): string {
  const lines = block.split('\n');
  const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
  if (event !== 'entry') return `${block}\n\n`;
  const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
  let shown: unknown;
  try {
    shown = readableEntry(JSON.parse(data) as TimelineEntry);
  } catch {
    return '';
  }
  return `${lines.filter((l) => l.startsWith('id:')).join('\n')}\nevent: entry\ndata: ${JSON.stringify(shown)}\n\n`;
}

/**
 * The case page's live updates, an enhancement: the browser's EventSource opens this route; this service follows the
 * timeline's stream with the signed-in user's token in the Authorization header (the token never reaches the browser,
 * so the timeline's query-string token is not used) and passes each entry on as it reads on the page.
 */
@Controller()
export class LiveController {
  constructor(@Inject(TimelineApi) private readonly api: TimelineApi) {}

  @Get('cases/:caseId/live')
  async live(@Req() req: WebRequest, @Res() res: Response, @Param('caseId') caseId: string, @Query('lastEventId') lastEventId?: string) {
    const session = req.webSession as WebSession;
    if (!UUID.test(caseId)) return res.status(400).type('text').send('Not a case reference.');
    const abort = new AbortController();
    req.on('close', () => abort.abort());
    const resume = req.header('last-event-id') ?? (typeof lastEventId === 'string' && /^\d+-\d+$/.test(lastEventId) ? lastEventId : undefined);
    let upstream: globalThis.Response;
    try {
      upstream = await this.api.stream(session.accessToken, caseId, resume, abort.signal);
    } catch {
      return res.status(502).type('text').send('The timeline service could not be reached.');
    }
    if (!upstream.ok || !upstream.body) return res.status(upstream.status === 200 ? 502 : upstream.status).type('text').send('The live timeline is not available.');
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.trim()) res.write(rewriteEvent(block));
        }
      }
    } catch {
      // the browser left (abort) or the timeline ended the stream: the browser reconnects by itself
    }
    res.end();
  }
}
