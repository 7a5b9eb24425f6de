module.exports = { ...require('../../jest.preset.cjs'), displayName: 'education', rootDir: __dirname };
