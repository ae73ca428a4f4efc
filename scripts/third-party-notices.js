#!/usr/bin/env node
// Writes ThirdPartyNotices.txt: the license of every npm package webpack put into dist/
// (found through the bundles' source maps), as the licenses of those packages require.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** Source maps under `dir`, recursively. */
function sourceMaps(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceMaps(full);
    return entry.name.endsWith('.js.map') ? [full] : [];
  });
}

/** Folders (relative to the project) of the packages the bundles in `dist` contain, nested ones included. */
function bundledPackages(dist) {
  const folders = new Set();
  for (const map of sourceMaps(dist)) {
    for (const source of JSON.parse(fs.readFileSync(map, 'utf8')).sources) {
      const match = /^(?:webpack:\/\/[^/]*\/)?\.?\/?((?:node_modules\/(?:@[^/]+\/)?[^/]+\/)+)/.exec(source);
      if (match) folders.add(match[1].replace(/\/$/, ''));
    }
  }
  return [...folders].sort();
}

/** The package's license text: its LICENSE-like file, else a line naming the license it declares. */
function licenseText(folder, manifest) {
  const file = fs.readdirSync(folder).find((name) => /^(licen[cs]e|copying)(\.|-|$)/i.test(name));
  if (file) return fs.readFileSync(path.join(folder, file), 'utf8').trim();
  return `Licensed under ${manifest.license ?? 'an unstated license'} (the package ships no license file).`;
}

/** The notices text for the packages bundled in `dist`. */
function thirdPartyNotices(dist) {
  const seen = new Set();
  const parts = [];
  for (const relative of bundledPackages(dist)) {
    const folder = path.join(ROOT, relative);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
    const id = `${manifest.name}@${manifest.version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const home = manifest.homepage ?? (typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url) ?? '';
    parts.push(`${'='.repeat(78)}\n${id} (${manifest.license ?? 'license not stated'})${home ? `\n${home}` : ''}\n${'-'.repeat(78)}\n${licenseText(folder, manifest)}\n`);
  }
  const header = 'Ferry bundles the following third-party packages into dist/. Their licenses follow.\n\n';
  return { text: header + parts.join('\n'), count: parts.length };
}

module.exports = { thirdPartyNotices };

if (require.main === module) {
  const { text, count } = thirdPartyNotices(path.join(ROOT, 'dist'));
  fs.writeFileSync(path.join(ROOT, 'ThirdPartyNotices.txt'), text);
  console.log(`ThirdPartyNotices.txt: ${count} packages`);
}
