import { exportSPKI, generateKeyPair, exportPKCS8 } from 'jose';
import { mintToken, type TokenRequest } from '@tio/auth';

let keys: Promise<{ privateKeyPem: string; publicKeyPem: string }> | undefined;

/** A key pair made once per test process; services under test verify tokens with its public key. */
export function testKeys(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  keys ??= generateKeyPair('ES256', { extractable: true }).then(async ({ privateKey, publicKey }) => ({
    privateKeyPem: await exportPKCS8(privateKey),
    publicKeyPem: await exportSPKI(publicKey),
  }));
  return keys;
}

/** A signed token for a test caller; `Authorization: Bearer ${await tokenFor(...)}`. */
export async function tokenFor(request: Partial<TokenRequest> & Pick<TokenRequest, 'agency' | 'roles'>): Promise<string> {
  const { privateKeyPem } = await testKeys();
  return mintToken(privateKeyPem, { userId: 'test-user', organisationId: 'test-org', ...request });
}
