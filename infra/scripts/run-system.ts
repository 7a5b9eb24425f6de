/**
 * The README's run command (`npm start`): starts PostgreSQL and Kafka (unless DATABASE_URL / KAFKA_BROKERS point
 * at existing ones), every service as its own process, waits until each is ready, seeds the demo case, prints
 * where everything listens, and on Ctrl-C stops the services, then the broker, then PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { ensureDatabase, InfraPrerequisiteError, localStateDir, onShutdown, startDevMailServer, startLocalInfra, workspaceRoot, type DevMailServer } from '@tio/local-infra';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { DEFAULT_ISSUER, devKeys, mintToken } from '@tio/auth';
import { DEMO_PEOPLE, seedDemoCase } from './demo-seed';
import { DEV_CITIZENS, DEV_PASSWORD, DEV_USERS, startDevCitizenProvider, startDevIdentityProvider, type DevProvider } from './dev-identity-provider';
import { startService, stopService, waitReady, type RunningService } from './service-processes';
import { DEV_CITIZEN_OIDC_PORT, DEV_OIDC_PORT, SERVICES, WEB_SERVICE } from './services';

/**
 * The master key that wraps the per-case data keys: TIO_MASTER_KEY when set; otherwise one made once for this
 * machine in .local/run/master-key (mode 0600) and reused, so the local system's encrypted data stays readable
 * across restarts. Deleting that file makes every case's personal data unreadable (as if erased).
 */
function developmentMasterKey(): string {
  return process.env['TIO_MASTER_KEY'] || keyOnThisMachine('master-key');
}

/**
 * The key the web service seals its sessions with in its database: WEB_SESSION_KEY when set; otherwise one made
 * once in .local/run/web-session-key, so a restart of the web service keeps everyone signed in. Deleting that file
 * signs everyone out.
 */
function developmentWebSessionKey(): string {
  return process.env['WEB_SESSION_KEY'] || keyOnThisMachine('web-session-key');
}

/** 32 random bytes (base64) made once for this machine in .local/run/<name> (mode 0600) and reused. */
function keyOnThisMachine(name: string): string {
  const file = localStateDir('run', name);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log('Starting PostgreSQL and Kafka...');
  const infra = await startLocalInfra({ mode: 'run' });
  const services: RunningService[] = [];
  let demoCaseId: string | undefined;
  let identityProvider: DevProvider | undefined;
  let citizenProvider: DevProvider | undefined;
  let mail: DevMailServer | undefined;
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    console.log('\nStopping services, Kafka and PostgreSQL...');
    await Promise.all(services.map(stopService));
    await identityProvider?.close();
    await citizenProvider?.close();
    await mail?.close();
    await infra.stop();
    console.log('Stopped.');
  };
  onShutdown(stopAll);
  try {
    // Development tokens (npm run token) are signed with a key made once in .local/dev-keys; with a real identity
    // provider set JWT_JWKS_URL instead.
    const ownKeys = !process.env['JWT_JWKS_URL'] && !process.env['JWT_PUBLIC_KEY'];
    // The web service's sign-in: the organisation's OpenID provider when OIDC_ISSUER is set; otherwise a development
    // provider in this process, with the demo's users, signing access tokens with the development key (so the
    // services trust them: its issuer is added to JWT_ISSUER beside the development tokens' one).
    const webPort = Number(process.env[WEB_SERVICE.portVariable] ?? WEB_SERVICE.port);
    const webUrl = `http://127.0.0.1:${webPort}`;
    const oidc: Record<string, string> = {};
    if (!process.env['OIDC_ISSUER'] && ownKeys) {
      const clientSecret = randomBytes(24).toString('base64url');
      identityProvider = await startDevIdentityProvider({
        port: Number(process.env[DEV_OIDC_PORT.portVariable] ?? DEV_OIDC_PORT.port),
        privateKeyPem: (await devKeys(localStateDir('dev-keys'))).privateKeyPem,
        client: { clientId: 'tio-web', clientSecret, redirectUris: [`${webUrl}/auth/callback`], postLogoutRedirectUris: [`${webUrl}/signed-out`] },
      });
      Object.assign(oidc, { OIDC_ISSUER: identityProvider.issuer, OIDC_CLIENT_ID: 'tio-web', OIDC_CLIENT_SECRET: clientSecret, OIDC_REDIRECT_URI: `${webUrl}/auth/callback` });
    }
    // Families sign in at the citizen identity provider (CITIZEN_OIDC_ISSUER: GOV.UK One Login); otherwise a
    // development one in this process, One Login-shaped, with the demo's families. The web service authenticates to it
    // with a key made for this run (private_key_jwt) and signs the family tokens it exchanges its ID tokens for with
    // the development key, which the services already trust (for the family token issuer only).
    if (!process.env['CITIZEN_OIDC_ISSUER'] && ownKeys) {
      const clientKey = await generateKeyPair('ES256', { extractable: true });
      citizenProvider = await startDevCitizenProvider({
        port: Number(process.env[DEV_CITIZEN_OIDC_PORT.portVariable] ?? DEV_CITIZEN_OIDC_PORT.port),
        client: { clientId: 'tio-web-families', publicKeyPem: await exportSPKI(clientKey.publicKey), redirectUris: [`${webUrl}/auth/callback`], postLogoutRedirectUris: [`${webUrl}/signed-out`] },
      });
      Object.assign(oidc, {
        CITIZEN_OIDC_ISSUER: citizenProvider.issuer, CITIZEN_OIDC_CLIENT_ID: 'tio-web-families', CITIZEN_OIDC_PRIVATE_KEY: await exportPKCS8(clientKey.privateKey),
        FAMILY_JWT_PRIVATE_KEY: (await devKeys(localStateDir('dev-keys'))).privateKeyPem,
      });
    }
    const auth = ownKeys
      ? { JWT_PUBLIC_KEY: (await devKeys(localStateDir('dev-keys'))).publicKeyPem, ...(identityProvider ? { JWT_ISSUER: `${process.env['JWT_ISSUER'] ?? DEFAULT_ISSUER},${identityProvider.issuer}` } : {}) }
      : {};
    // personal fields are encrypted with per-case keys held in their own database (tio_keys), apart from the events
    const keyStore = { KEYSTORE_DATABASE_URL: process.env['KEYSTORE_DATABASE_URL'] || (await ensureDatabase(infra.databaseUrl, 'tio_keys')), TIO_MASTER_KEY: developmentMasterKey() };
    // families' messages: unless GOV.UK Notify or an SMTP server is configured, a development SMTP server in this
    // process keeps each message as a .eml file; links in them point at the web service
    if (!process.env['NOTIFY_API_KEY'] && !process.env['SMTP_URL']) {
      mail = await startDevMailServer({ port: Number(process.env['DEV_SMTP_PORT'] ?? 3025), dir: localStateDir('mail') });
    }
    const notifications = { ...(mail ? { SMTP_URL: mail.url } : {}), FAMILY_WEB_URL: process.env['FAMILY_WEB_URL'] ?? webUrl };
    // reference data: the demo organisations' names (the family's view names them, never their codes)
    const organisations = { ORGANISATION_DIRECTORY: process.env['ORGANISATION_DIRECTORY'] ?? `${workspaceRoot()}/infra/demo/organisations.json` };
    const baseEnv = { ...process.env, ...auth, ...keyStore, ...notifications, ...organisations, KAFKA_BROKERS: infra.kafkaBrokers };
    const databases: Record<string, string> = {};
    for (const entry of SERVICES) databases[entry.name] = await ensureDatabase(infra.databaseUrl, entry.database);
    // The audit service replays every service's event store (read-only) and compares the timeline's read model.
    const auditEnv = {
      AUDIT_EVENT_STORES: ['case', 'education', 'health', 'social-care'].map((n) => `${n}=${databases[n]}`).join(','),
      AUDIT_TIMELINE_DATABASE_URL: databases['timeline'],
    };
    for (const entry of SERVICES) {
      services.push(await startService(entry, Number(process.env[entry.portVariable] ?? entry.port), localStateDir('run', 'logs'), { ...baseEnv, ...(entry.name === 'audit' ? auditEnv : {}), DATABASE_URL: databases[entry.name] }));
    }
    await Promise.all(services.map((s) => waitReady(s)));
    // the practitioners' web service: sign-in at the OpenID provider, pages over the timeline's API
    if (process.env['OIDC_ISSUER'] || identityProvider) {
      const timelinePort = services.find((s) => s.entry.name === 'timeline')?.port;
      const local = (name: string) => `http://127.0.0.1:${services.find((s) => s.entry.name === name)?.port}`;
      // its own database holds the sessions (sealed with a key kept on this machine): a restart keeps everyone signed in
      const web = await startService(WEB_SERVICE, webPort, localStateDir('run', 'logs'), {
        ...baseEnv, ...oidc, DATABASE_URL: await ensureDatabase(infra.databaseUrl, WEB_SERVICE.database), WEB_SESSION_KEY: developmentWebSessionKey(), TIMELINE_URL: process.env['TIMELINE_URL'] ?? `http://127.0.0.1:${timelinePort}`,
        EDUCATION_URL: process.env['EDUCATION_URL'] ?? local('education'), HEALTH_URL: process.env['HEALTH_URL'] ?? local('health'),
        SOCIAL_CARE_URL: process.env['SOCIAL_CARE_URL'] ?? local('social-care'), AUDIT_URL: process.env['AUDIT_URL'] ?? local('audit'),
        CASE_URL: process.env['CASE_URL'] ?? local('case'),
      });
      services.push(web);
      await waitReady(web);
    }
    if (!process.env['JWT_JWKS_URL'] && !process.env['JWT_PUBLIC_KEY'] && process.env['TIO_DEMO'] !== '0') {
      const port = (name: string) => services.find((s) => s.entry.name === name)?.port;
      console.log('Seeding the demo case through the services\' APIs...');
      try {
        demoCaseId = await seedDemoCase(
          {
            case: `http://127.0.0.1:${port('case')}`, education: `http://127.0.0.1:${port('education')}`, health: `http://127.0.0.1:${port('health')}`, socialCare: `http://127.0.0.1:${port('social-care')}`,
            citizenIssuer: citizenProvider?.issuer ?? process.env['CITIZEN_OIDC_ISSUER'],
          },
          (await devKeys(localStateDir('dev-keys'))).privateKeyPem,
          (line) => console.log(`  ${line}`),
        );
      } catch (err) {
        // the system is up either way; say what went wrong instead of tearing it down
        console.error(`  The demo case could not be seeded: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    await stopAll();
    throw err;
  }

  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`\nTell It Once is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s). Ctrl-C stops everything.\n`);
  console.log(`  ${pad('PostgreSQL', 13)} ${infra.databaseUrl.replace(/:[^:@/]+@/, ':***@')}${infra.started.postgres ? `  (embedded, data in ${relative(workspaceRoot(), infra.postgresDataDir ?? '') || '.'})` : '  (DATABASE_URL)'}`);
  console.log(`  ${pad('Kafka', 13)} ${infra.kafkaBrokers}${infra.started.kafka ? '  (local KRaft broker, data in .local/run/kafka)' : '  (KAFKA_BROKERS)'}`);
  for (const s of services) {
    console.log(`  ${pad(s.entry.name, 13)} http://127.0.0.1:${s.port}  ${s.entry.name === 'web' ? '' : '(API docs /docs)  '}${s.entry.what}`);
  }
  if (identityProvider) console.log(`  ${pad('identity', 13)} ${identityProvider.issuer}  development OpenID provider for practitioners (in this process)`);
  if (citizenProvider) console.log(`  ${pad('families', 13)} ${citizenProvider.issuer}  development citizen identity provider, in place of GOV.UK One Login (in this process)`);
  if (mail) console.log(`  ${pad('mail', 13)} ${mail.url}  development SMTP server (in this process): messages to families in ${relative(workspaceRoot(), mail.dir)}/*.eml`);
  console.log(`\n  Logs: ${localStateDir('run', 'logs')}/<service>.log`);
  if (demoCaseId) {
    const timeline = services.find((s) => s.entry.name === 'timeline');
    const token = await mintToken((await devKeys(localStateDir('dev-keys'))).privateKeyPem, { ...DEMO_PEOPLE.caseworker.token, expiresIn: '12h' });
    console.log(`\n  Demo case ${demoCaseId}: open the shared timeline as ${DEMO_PEOPLE.caseworker.name} (development token, 12 h):`);
    console.log(`  http://127.0.0.1:${timeline?.port}/?case=${demoCaseId}&token=${token}`);
    console.log('  Other tokens: npm run token -- --agency health --org nhs-trust-rlj --roles practitioner');
  }
  const web = services.find((s) => s.entry.name === 'web');
  if (web && identityProvider) {
    console.log(`\n  Sign in at http://127.0.0.1:${web.port}/ as one of the demo users (password: ${DEV_PASSWORD}):`);
    for (const u of DEV_USERS) console.log(`    ${pad(u.username, 7)} ${u.description} (${u.org})`);
    if (demoCaseId) console.log(`  As priya, the demo case ${demoCaseId.slice(0, 8)} is in the caseload: http://127.0.0.1:${web.port}/cases/${demoCaseId}`);
  }
  if (web && citizenProvider) {
    console.log(`\n  Families: at http://127.0.0.1:${web.port}/ choose "Sign in as a parent, carer or young person" and sign in at the development citizen provider (password: ${DEV_PASSWORD}):`);
    for (const c of DEV_CITIZENS) console.log(`    ${pad(c.username, 7)} ${c.description} (${c.email})`);
    if (demoCaseId) console.log(`  As jo, the demo case is under Your case: http://127.0.0.1:${web.port}/family/cases/${demoCaseId}`);
  }
  for (const s of services) {
    void s.exited.then((code) => {
      if (!stopping) console.error(`\nThe ${s.entry.name} service stopped unexpectedly (exit ${code}); see ${s.logFile}.`);
    });
  }
}

main().catch((err) => {
  console.error(err instanceof InfraPrerequisiteError ? `\n${err.message}\n` : err);
  process.exit(1);
});
