// The dead-letters CLI (libs/messaging/src/cli/dead-letters.ts) with the key store: sealed dead letters are listed and
// replayed as they were before sealing while their key exists, and shown as erased once it was destroyed.
//   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register libs/personal-data/src/cli/dead-letters.ts list <topic> [--json]
//   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register libs/personal-data/src/cli/dead-letters.ts replay <topic> (--all | --only P:O[,P:O...])
// Needs KAFKA_BROKERS (or --brokers), KEYSTORE_DATABASE_URL and TIO_MASTER_KEY.
import { deadLettersCli } from '@tio/messaging';
import { DeadLetterSealer } from '../dead-letter-seal';
import { masterKeyFrom } from '../envelope';
import { keyStoreSettings, PostgresKeyStore } from '../key-store';

export async function main(argv: string[], out: (line: string) => void = console.log, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const keys = await PostgresKeyStore.create({ ...keyStoreSettings(env), masterKey: masterKeyFrom(env) });
  try {
    return await deadLettersCli(argv, out, { unseal: new DeadLetterSealer(keys).unseal });
  } finally {
    await keys.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
