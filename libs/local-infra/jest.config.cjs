module.exports = { ...require('../../jest.preset.cjs'), displayName: 'local-infra', rootDir: __dirname };
