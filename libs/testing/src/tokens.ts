import { exportSPKI, generateKeyPair, exportPKCS8 } from 'jose';
import { citizenSubject, isCitizenSubject, mintFamilyToken, mintToken, type TokenRequest } from '@tio/auth';

let keys: Promise<{ privateKeyPem: string; publicKeyPem: string }> | undefined;

/** A key pair made once per test process; services under test verify tokens with its public key. */
export function testKeys(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  keys ??= generateKeyPair('ES256', { extractable: true }).then(async ({ privateKey, publicKey }) => ({
    privateKeyPem: await exportPKCS8(privateKey),
    publicKeyPem: await exportSPKI(publicKey),
  }));
  return keys;
}

/** The citizen identity provider of test family members (their subjects are namespaced by it). */
export const TEST_CITIZEN_ISSUER = 'https://citizen.test';

/** A test family member's platform subject: `citizen:https://citizen.test#<sub>` (an already namespaced one as is). */
export const testCitizenSubject = (sub: string): string => (isCitizenSubject(sub) ? sub : citizenSubject(TEST_CITIZEN_ISSUER, sub));

/**
 * A signed token for a test caller; `Authorization: Bearer ${await tokenFor(...)}`. A family member's (roles
 * ['family']) is what the citizen sign-in's exchange issues: the family token issuer's, subject testCitizenSubject(userId).
 */
export async function tokenFor(request: Partial<TokenRequest> & Pick<TokenRequest, 'agency' | 'roles'>): Promise<string> {
  const { privateKeyPem } = await testKeys();
  if (request.roles.includes('family')) return mintFamilyToken(privateKeyPem, { subject: testCitizenSubject(request.userId ?? 'test-user'), ...(request.expiresIn ? { expiresIn: request.expiresIn } : {}) });
  return mintToken(privateKeyPem, { userId: 'test-user', organisationId: 'test-org', ...request });
}
