// Jest only: vscode-oniguruma is CommonJS marked `__esModule`, so Jest's compiled `import x from 'vscode-oniguruma'` would find
// no default export, where Node's ES modules take module.exports as it (starry-night imports it so).
const m = require('../../../node_modules/vscode-oniguruma/release/main.js');
module.exports = { ...m, __esModule: true, default: m };
