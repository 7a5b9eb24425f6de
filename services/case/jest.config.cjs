module.exports = { ...require('../../jest.preset.cjs'), displayName: 'case', rootDir: __dirname };
