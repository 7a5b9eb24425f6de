/**
 * Development tokens: `npm run token -- --agency education --org school-42 --roles practitioner [--user u1] [--name "Sam"]`
 * prints a JWT signed with the development key that `npm start` gives the services (.local/dev-keys). Never for
 * production: there, point the services at your identity provider with JWT_JWKS_URL.
 */
import { parseArgs } from 'node:util';
import { devKeys, mintToken, ROLES, type Role } from '@tio/auth';
import { ACTOR_AGENCIES, isActorAgency } from '@tio/kernel';
import { localStateDir } from '@tio/local-infra';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      agency: { type: 'string' },
      org: { type: 'string' },
      roles: { type: 'string', default: 'practitioner' },
      user: { type: 'string', default: 'dev-user' },
      name: { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  const agency = values.agency;
  const roles = (values.roles ?? '').split(',') as Role[];
  if (!isActorAgency(agency) || !values.org || !roles.every((r) => ROLES.includes(r))) {
    console.error(`usage: npm run token -- --agency <${ACTOR_AGENCIES.join('|')}> --org <organisation id> [--roles <${ROLES.join(',')}>] [--user id] [--name "Full Name"] [--expires 8h]`);
    process.exit(2);
  }
  const { privateKeyPem } = await devKeys(localStateDir('dev-keys'));
  process.stdout.write(`${await mintToken(privateKeyPem, { userId: values.user as string, name: values.name, organisationId: values.org, agency, roles, expiresIn: values.expires })}\n`);
}

void main();
