module.exports = { ...require('../../jest.preset.cjs'), displayName: 'ehc-domain', rootDir: __dirname };
