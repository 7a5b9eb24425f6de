import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@tio/auth';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PUBLIC_DIR = join(__dirname, 'public');
const TYPES: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'styles.css': 'text/css; charset=utf-8' };

/**
 * The practitioners' page: plain HTML, JS and CSS, no build step. The page itself holds no case data and needs no
 * token; every case read it makes goes through the API with the practitioner's token.
 */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  private readonly files = new Map(['index.html', ...Object.keys(TYPES)].map((f) => [f, readFileSync(join(PUBLIC_DIR, f), 'utf8')]));

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
  @Header('Referrer-Policy', 'no-referrer')
  index(): string {
    return this.files.get('index.html') as string;
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    const body = this.files.get(file);
    if (!body || !TYPES[file]) throw new NotFoundException();
    res.setHeader('Content-Type', TYPES[file]);
    res.setHeader('Cache-Control', 'no-cache');
    res.send(body);
  }
}
