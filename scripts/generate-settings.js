#!/usr/bin/env node
// Writes the `ferry.server.*` settings, derived from the server's tunables table, into package.json's
// contributes.configuration. Run after changing src/core/server/tunables.ts: `npm run generate:settings`.
// Only the "ferry-server" block is replaced; package.json is re-read right before writing, so other
// contributions (edited by hand or by other scripts) are kept as they are. The descriptions are %key%
// references: their English (the table's docs) goes to package.nls.json, their Simplified Chinese
// (src/core/server/tunable-docs-zh-cn.ts) to package.nls.zh-cn.json; other keys there are kept.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const compiled = path.join(__dirname, '..', 'out', 'src', 'vscode', 'server', 'settings-schema.js');
if (!fs.existsSync(compiled)) {
  console.error(`missing ${path.relative(process.cwd(), compiled)}: run "npx tsc -p ." first`);
  process.exit(1);
}
const { restrictedConfigurations, serverConfiguration, serverSettingsStrings } = require(compiled);
const block = serverConfiguration();

const file = path.join(__dirname, '..', 'package.json');
const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
const contributes = (manifest.contributes ??= {});
const existing = contributes.configuration;
// contributes.configuration may be one block or a list of blocks; keep every other block.
const others = (Array.isArray(existing) ? existing : existing ? [existing] : []).filter((b) => b.id !== block.id);
contributes.configuration = [...others, block];
// Restricted Mode: the description and `supported` are written by hand; only the list follows the table.
const untrusted = ((manifest.capabilities ??= {}).untrustedWorkspaces ??= { supported: 'limited' });
untrusted.restrictedConfigurations = restrictedConfigurations();
fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
console.log(`package.json: ${Object.keys(block.properties).length} settings in contributes.configuration "${block.id}"`);

const strings = serverSettingsStrings();
for (const [name, entries] of [['package.nls.json', strings.en], ['package.nls.zh-cn.json', strings.zhCn]]) {
  const nlsFile = path.join(__dirname, '..', name);
  const nls = JSON.parse(fs.readFileSync(nlsFile, 'utf8'));
  fs.writeFileSync(nlsFile, JSON.stringify({ ...nls, ...entries }, null, 2) + '\n');
  console.log(`${name}: ${Object.keys(entries).length} setting descriptions`);
}
