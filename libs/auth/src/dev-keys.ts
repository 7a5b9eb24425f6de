import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import type { ActorAgency } from '@tio/kernel';
import type { Role } from './claims';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from './verifier';

export interface DevKeys {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** Creates (once) and reads the ES256 key pair that signs development and demo tokens. Never for production. */
export async function devKeys(dir: string): Promise<DevKeys> {
  const privatePath = join(dir, 'dev-jwt-private.pem');
  const publicPath = join(dir, 'dev-jwt-public.pem');
  if (!existsSync(privatePath) || !existsSync(publicPath)) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(privatePath, await exportPKCS8(privateKey), { mode: 0o600 });
    writeFileSync(publicPath, await exportSPKI(publicKey));
  }
  return { privateKeyPem: readFileSync(privatePath, 'utf8'), publicKeyPem: readFileSync(publicPath, 'utf8') };
}

export interface TokenRequest {
  userId: string;
  name?: string;
  organisationId: string;
  agency: ActorAgency;
  roles: Role[];
  expiresIn?: string;
  issuer?: string;
  audience?: string;
}

export async function mintToken(privateKeyPem: string, request: TokenRequest): Promise<string> {
  const key = await importPKCS8(privateKeyPem, 'ES256');
  return new SignJWT({ org: request.organisationId, agency: request.agency, roles: request.roles, ...(request.name ? { name: request.name } : {}) })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject(request.userId)
    .setIssuer(request.issuer ?? DEFAULT_ISSUER)
    .setAudience(request.audience ?? DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(request.expiresIn ?? '8h')
    .sign(key);
}
