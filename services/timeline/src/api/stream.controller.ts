import { Controller, ForbiddenException, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@tio/service-kit';
import { bearerChallenge, Public, TokenRejected, TokenVerifier, type Principal } from '@tio/auth';
import type { Request, Response } from 'express';
import { CaseFeeds, type StreamSink } from '../live/case-feeds';
import { TimelineMetrics } from '../metrics/metrics';
import { OpenCaseStreamQuery, RecordStreamRevokedCommand, StreamAccessGroundQuery, TimelineGenerationQuery } from '../queries/live-stream';
import { CaseIdParam, StreamQueryDto } from './dto';

const READ_ROLES = ['practitioner', 'case-officer', 'auditor', 'service'];
const HEARTBEAT_MS = 15_000;
/** How often an open stream checks that its reader may still see the case (an agency-wide grant ends when answered). */
const recheckMs = () => Number(process.env['TIMELINE_STREAM_RECHECK_MS'] ?? 60_000);

/**
 * Live changes by Server-Sent Events. Each event's id is `<generation>-<arrival>`: `arrival` counts the case's
 * entries in the order the read model stored them (late entries included, with their current `seq`), so resuming
 * with Last-Event-ID sends exactly the entries stored since, wherever they sit in the order. After a rebuild the
 * generation changes: a client resuming from an older generation gets `event: reset`, then the whole timeline.
 *
 * Authentication: the Authorization header, or `access_token` in the query because EventSource cannot send headers.
 * The trade-off: a token in a URL can end up in proxy logs and browser history, so this route alone accepts it,
 * the service never logs query strings, and tokens should be short-lived.
 *
 * A stream does not outlive its authority: it ends with `event: expired` when the token expires, and with
 * `event: revoked` (logged as a denied read) when a periodic check finds the reader's organisation no longer may see
 * the case. The client reconnects with a fresh token and is authorised again.
 */
@ApiTags('timeline')
@Controller('cases')
export class StreamController {
  private readonly recheckMs = recheckMs();
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
    // this route is @Public: EventSource cannot send a header, so the stream authenticates its own token (below)
    @Inject(TokenVerifier) private readonly verifier: TokenVerifier,
    // the push side of open responses: one feed per case, reading each change once for all the case's streams
    @Inject(CaseFeeds) private readonly feeds: CaseFeeds,
    @Inject(TimelineMetrics) private readonly metrics: TimelineMetrics,
  ) {}

  @Public()
  @Get(':caseId/timeline/stream')
  @ApiBearerAuth()
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume token `<generation>-<arrival>` (the id of the last event received, or `resumeToken` of a timeline read)' })
  @ApiOperation({
    operationId: 'followCaseTimeline',
    summary: "Follow a case's timeline live (Server-Sent Events), resuming without gaps from Last-Event-ID",
    description: 'The token comes in the Authorization header or, for EventSource (which cannot send headers), as `access_token` in the query. Events: `entry` (id `<generation>-<arrival>`, data an entry as in the timeline read), `reset`, `expired`, `revoked`.',
  })
  @ApiOkResponse({
    description: 'A Server-Sent Events stream, open until the client leaves, the token expires or access is revoked',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: 'retry: 2000\n\nid: 1-1\nevent: entry\ndata: {"seq":1,"kind":"request","arrival":1}\n\n' } },
  })
  @ApiProblems(400, 401, 403, 429, 503)
  async stream(@Param() p: CaseIdParam, @Query() q: StreamQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const principal = await this.authenticate(req, q.access_token);
    await this.queries.execute(new OpenCaseStreamQuery(principal, p.caseId));
    const resume = parseToken(req.header('last-event-id') ?? q.lastEventId);

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 2000\n\n');

    const generation = await this.queries.execute(new TimelineGenerationQuery());
    if (resume && resume.generation !== generation) res.write(`event: reset\ndata: ${JSON.stringify({ generation })}\n\n`);
    let closed = false;
    const end = (event: 'expired' | 'revoked', reason: string) => {
      if (closed) return;
      closed = true;
      res.write(`event: ${event}\ndata: ${JSON.stringify({ reason })}\n\n`);
      res.end();
    };
    const revoke = async () => {
      if (closed) return;
      end('revoked', `your organisation (${principal.organisationId}) may no longer see case ${p.caseId}`);
      await this.commands.execute(new RecordStreamRevokedCommand(principal, p.caseId));
    };
    // the case's feed reads each change once for all its open streams and hands this one what it has not had
    const sink: StreamSink = {
      principal,
      generation,
      last: resume && resume.generation === generation ? resume.arrival : 0,
      get closed() {
        return closed;
      },
      reset: (next) => void res.write(`event: reset\ndata: ${JSON.stringify({ generation: next })}\n\n`),
      send: (rows) => {
        for (const row of rows) res.write(`id: ${sink.generation}-${row.arrival}\nevent: entry\ndata: ${JSON.stringify({ ...row.view, arrival: row.arrival })}\n\n`);
      },
      revoke,
      fail: () => {
        closed = true;
        res.end();
      },
    };
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const expiry = principal.expiresAt === undefined ? undefined
      : setTimeout(() => end('expired', 'the token has expired: reconnect with a new one'), Math.max(0, Math.min(principal.expiresAt - Date.now(), 2 ** 31 - 1)));
    const recheck = setInterval(() => {
      void this.queries.execute(new StreamAccessGroundQuery(principal, p.caseId)).then((ground) => (ground || closed ? undefined : revoke()), () => undefined);
    }, this.recheckMs);
    this.metrics.sseClients.inc();
    let leave: () => void = () => undefined;
    req.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      clearInterval(recheck);
      if (expiry) clearTimeout(expiry);
      leave();
      this.metrics.sseClients.dec();
    });
    if (!closed) leave = this.feeds.join(p.caseId, sink);
  }

  private async authenticate(req: Request, queryToken?: string): Promise<Principal> {
    const header = req.header('authorization');
    const token = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : queryToken;
    if (!token) throw bearerChallenge('a token is required: Authorization: Bearer <JWT>, or ?access_token=<JWT> for EventSource', false);
    let principal: Principal;
    try {
      principal = await this.verifier.verify(token);
    } catch (err) {
      throw bearerChallenge(err instanceof TokenRejected ? err.message : 'invalid token', true);
    }
    if (!principal.roles.some((r) => READ_ROLES.includes(r))) throw new ForbiddenException(`reading a timeline needs one of the roles ${READ_ROLES.join(', ')}`);
    return principal;
  }
}

function parseToken(value: string | undefined): { generation: number; arrival: number } | undefined {
  const m = value ? /^(\d+)-(\d+)$/.exec(value) : null;
  return m ? { generation: Number(m[1]), arrival: Number(m[2]) } : undefined;
}
