// Regenerates libs/contracts/asyncapi.yaml from the event registry and freezes the schema of any new event version.
// Run: npx nx run contracts:generate
import { writeFileSync } from 'node:fs';
import { ASYNCAPI_FILE, integrationEvents, renderAsyncApiYaml, snapshotNewVersions } from '../src';

writeFileSync(ASYNCAPI_FILE, renderAsyncApiYaml(integrationEvents));
const frozen = snapshotNewVersions(integrationEvents);
console.log(`wrote ${ASYNCAPI_FILE}${frozen.length ? `; froze ${frozen.join(', ')}` : ''}`);
