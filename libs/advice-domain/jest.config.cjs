module.exports = { ...require('../../jest.preset.cjs'), displayName: 'advice-domain', rootDir: __dirname };
