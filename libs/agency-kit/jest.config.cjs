module.exports = { ...require('../../jest.preset.cjs'), displayName: 'agency-kit', rootDir: __dirname };
