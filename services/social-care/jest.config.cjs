module.exports = { ...require('../../jest.preset.cjs'), displayName: 'social-care', rootDir: __dirname };
