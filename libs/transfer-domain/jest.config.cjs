module.exports = { ...require('../../jest.preset.cjs'), displayName: 'transfer-domain', rootDir: __dirname };
