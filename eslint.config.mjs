import nx from '@nx/eslint-plugin';

// Layers, lowest first (tags in each project.json; README "Layers"). A project may import only the layers listed for
// its own; every layer also sees the one below it through its own API, never around it.
const LAYER_DEPENDENCIES = {
  'layer:kernel': ['layer:kernel'],
  'layer:domain': ['layer:kernel', 'layer:domain'],
  'layer:contracts': ['layer:kernel', 'layer:domain', 'layer:contracts'],
  'layer:infra': ['layer:kernel', 'layer:contracts', 'layer:infra'],
  'layer:app': ['layer:kernel', 'layer:domain', 'layer:contracts', 'layer:infra', 'layer:app'],
  'layer:service': ['layer:kernel', 'layer:domain', 'layer:contracts', 'layer:infra', 'layer:app'],
  'layer:test': ['layer:kernel', 'layer:domain', 'layer:contracts', 'layer:infra', 'layer:app', 'layer:test'],
};

// Test code: specs, the test helpers next to them (a `testing/` folder, the testing entry points) and benchmarks.
// Only these may import `layer:test` libraries (`@tio/testing`) and testing entry points (`@tio/<lib>/testing`).
const TEST_FILES = ['**/*.spec.ts', '**/*.spec-helper.ts', '**/src/testing/**/*.ts', '**/test-fixtures.ts', '**/bench/**/*.ts'];

function moduleBoundaries({ testCode }) {
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      depConstraints: [
        // A service may use libraries but never another service; libraries never depend on services.
        { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
        { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
        { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:lib'] },
        ...Object.entries(LAYER_DEPENDENCIES).map(([sourceTag, layers]) => ({
          sourceTag,
          onlyDependOnLibsWithTags: testCode && !layers.includes('layer:test') ? [...layers, 'layer:test'] : layers,
        })),
      ],
    },
  ];
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '.local/**', '.nx/**', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries({ testCode: false }),
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@tio/[^/]+|\\.{1,2}(/.+)?)/testing(/.*)?$',
              message: 'Test helpers are for tests: import a testing entry point only from *.spec.ts files and other test helpers.',
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: TEST_FILES,
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries({ testCode: true }),
      'no-restricted-imports': 'off',
    },
  },
];
