import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

/** A message the development mail server received, as stored: its file and the raw RFC 5322 text. */
export interface StoredMail {
  file: string;
  raw: string;
}

export interface DevMailServer {
  /** `smtp://127.0.0.1:<port>`: what SMTP_URL is set to for the services. */
  url: string;
  port: number;
  /** Where each message is written as `<n>-<time>.eml`. */
  dir: string;
  /** Every message received so far, oldest first (read from `dir`, so it counts messages from any process). */
  messages(): StoredMail[];
  close(): Promise<void>;
}

export interface DevMailServerOptions {
  /** 0 picks a free port. */
  port?: number;
  dir: string;
  host?: string;
}

/**
 * A real SMTP server in this process for `npm start` and the tests (`smtp-server`): it accepts every message without
 * authentication on the loopback interface and writes it to `dir` as a .eml file. No TLS, no relaying: nothing
 * leaves the machine. The services reach it through their ordinary SMTP adapter (SMTP_URL).
 */
export async function startDevMailServer(options: DevMailServerOptions): Promise<DevMailServer> {
  const { dir } = options;
  mkdirSync(dir, { recursive: true });
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        received += 1;
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${String(received).padStart(5, '0')}.eml`;
        writeFileSync(join(dir, name), Buffer.concat(chunks));
        callback();
      });
    },
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${host}:${port}`,
    port,
    dir,
    messages: () =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map((f) => ({ file: join(dir, f), raw: readFileSync(join(dir, f), 'utf8') })),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
