#!/usr/bin/env node
// Checks the webpack bundles in dist/ (after `npm run build`) against their size budgets and
// the modules each must not carry: the extension host and the language server start with
// every window, while the FTP server and its certificate stack only run in the server child.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** Budgets in bytes, and module paths (as in the source maps) that must stay out. */
const BUDGETS = {
  'extension.js': {
    maxBytes: 600 * 1024,
    forbidden: [/node_modules\/(selfsigned|asn1js|@peculiar|pkijs)\//, /node_modules\/vscode-languageclient\//, /node_modules\/iconv-lite\/encodings\/tables\//, /src\/core\/server\/(server|session|tls-material)\.ts$/],
  },
  'language-server.js': {
    maxBytes: 250 * 1024,
    forbidden: [/node_modules\/(selfsigned|asn1js|@peculiar|pkijs)\//, /src\/core\/native\//, /src\/core\/server\/(server|session)\.ts$/],
  },
};

/** Problems with the bundles `files` in `dist` (empty when all is well), and the sizes read. */
function checkBundles(dist, files = Object.keys(BUDGETS)) {
  const problems = [];
  const sizes = {};
  for (const file of files) {
    const budget = BUDGETS[file];
    const bundle = path.join(dist, file);
    if (!fs.existsSync(bundle)) {
      problems.push(`${file} is missing (npm run build)`);
      continue;
    }
    sizes[file] = fs.statSync(bundle).size;
    if (sizes[file] > budget.maxBytes) problems.push(`${file} is ${sizes[file]} bytes, over its budget of ${budget.maxBytes}`);
    const map = `${bundle}.map`;
    if (!fs.existsSync(map)) continue;
    const sources = JSON.parse(fs.readFileSync(map, 'utf8')).sources.map((s) => s.replace(/^webpack:\/\/[^/]*\//, ''));
    for (const pattern of budget.forbidden) {
      const found = sources.filter((s) => pattern.test(s));
      if (found.length > 0) problems.push(`${file} carries ${found.length} module(s) it must not (${pattern}), e.g. ${found[0]}`);
    }
  }
  return { problems, sizes };
}

module.exports = { checkBundles, BUDGETS };

if (require.main === module) {
  const { problems, sizes } = checkBundles(path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'dist')));
  for (const [file, size] of Object.entries(sizes)) console.log(`${file}: ${(size / 1024).toFixed(0)} KiB (budget ${BUDGETS[file].maxBytes / 1024} KiB)`);
  for (const problem of problems) console.error(`check-bundles: ${problem}`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}
