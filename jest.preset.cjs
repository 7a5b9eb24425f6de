// Shared Jest settings for every project. TypeScript is compiled by SWC (decorator metadata on, for NestJS);
// type checking is the job of `npm run typecheck`, which the test command also runs.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace('/', '\\/')}$`] = path.join(__dirname, target);
}

module.exports = {
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/?(*.)+(spec|test).ts'],
  moduleNameMapper,
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  // Integration tests need PostgreSQL and Kafka: the test command starts them once for the whole run and passes
  // DATABASE_URL / KAFKA_BROKERS down; a single project run (`npx nx test event-store`) starts its own.
  globalSetup: path.join(__dirname, 'infra/jest/global-setup.cjs'),
  globalTeardown: path.join(__dirname, 'infra/jest/global-teardown.cjs'),
  testTimeout: 60_000,
  verbose: true,
};
