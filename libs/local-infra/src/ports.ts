import { createServer } from 'node:net';
import { InfraPrerequisiteError } from './errors';

/** Asks the kernel for a free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A configured port is used as given; a clash is a clear error rather than a confusing failure later. */
export async function choosePort(configured: string | undefined, variable: string): Promise<number> {
  if (!configured) return freePort();
  const port = Number(configured);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InfraPrerequisiteError(`${variable}=${configured} is not a TCP port number (1-65535).`);
  }
  if (!(await isPortFree(port))) {
    throw new InfraPrerequisiteError(
      `Port ${port} (${variable}) is already in use on 127.0.0.1. Stop whatever listens there, choose another port ` +
        `with ${variable}, or unset ${variable} to let the project pick a free one.`,
    );
  }
  return port;
}
