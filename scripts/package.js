#!/usr/bin/env node
// `npm run package`: builds dist/ once, writes ThirdPartyNotices.txt, and packs one VSIX per
// platform into artifacts/vsix/. Linux VSIXes carry the native data path (ferry_io.node, glibc
// 2.28 or newer); arm64's is cross-built when aarch64-linux-gnu-gcc is installed. The other
// platforms, and Linux without the addon, run the JavaScript data path.
// `node scripts/package.js --prepublish` is vsce's vscode:prepublish: a build, skipped when
// this script already built (vsce runs it once per VSIX).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkBundles } = require('./check-bundles');
const { thirdPartyNotices } = require('./third-party-notices');

const ROOT = path.resolve(__dirname, '..');
const DIST_ADDON = path.join(ROOT, 'dist', 'ferry_io.node');
const OUT = path.join(ROOT, 'artifacts', 'vsix');

function run(command, args, options = {}) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args[0]} failed (${result.error?.message ?? `exit ${result.status}`})`);
}

function build() {
  run(path.join(ROOT, 'node_modules', '.bin', 'webpack'), ['--mode', 'production']);
}

/** Cross-builds the addon for linux-arm64 in a scratch copy (node-gyp's build/ holds the host's); undefined without the compiler. */
function buildArm64Addon() {
  const probe = spawnSync('aarch64-linux-gnu-gcc', ['--version']);
  if (probe.status !== 0) {
    console.warn('[package] aarch64-linux-gnu-gcc not found: linux-arm64 ships without the native data path');
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-arm64-'));
  fs.cpSync(path.join(ROOT, 'binding.gyp'), path.join(dir, 'binding.gyp'));
  fs.cpSync(path.join(ROOT, 'native'), path.join(dir, 'native'), { recursive: true });
  const cross = { CC: 'aarch64-linux-gnu-gcc', CXX: 'aarch64-linux-gnu-g++', LINK: 'aarch64-linux-gnu-gcc', AR: 'aarch64-linux-gnu-ar' };
  // Node's own headers are the same for every architecture: the installed ones serve, with no download.
  const nodedir = path.resolve(path.dirname(process.execPath), '..');
  run('node-gyp', ['rebuild', '--arch=arm64', `--nodedir=${nodedir}`], { cwd: dir, env: { ...process.env, ...cross } });
  return path.join(dir, 'build', 'Release', 'ferry_io.node');
}

/** Each VSIX target and the addon it carries (undefined: the JavaScript data path). */
function targets() {
  const host = path.join(ROOT, 'build', 'Release', 'ferry_io.node');
  return [
    { target: 'linux-x64', addon: process.platform === 'linux' && process.arch === 'x64' && fs.existsSync(host) ? host : undefined },
    { target: 'linux-arm64', addon: buildArm64Addon() },
    { target: 'alpine-x64', addon: undefined },
    { target: 'win32-x64', addon: undefined },
    { target: 'darwin-x64', addon: undefined },
    { target: 'darwin-arm64', addon: undefined },
  ];
}

function main() {
  if (process.argv.includes('--prepublish')) {
    if (process.env.FERRY_PACKAGE_BUILT !== '1') build();
    return;
  }
  // A fresh dist/: a chunk left by an older build would match .vscodeignore's dist/*.js and ship.
  fs.rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
  build();
  const { problems } = checkBundles(path.join(ROOT, 'dist'));
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const { text, count } = thirdPartyNotices(path.join(ROOT, 'dist'));
  fs.writeFileSync(path.join(ROOT, 'ThirdPartyNotices.txt'), text);
  console.log(`[package] ThirdPartyNotices.txt: ${count} packages`);
  fs.mkdirSync(OUT, { recursive: true });
  const { name, version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const hostAddon = fs.existsSync(DIST_ADDON) ? fs.readFileSync(DIST_ADDON) : undefined;
  try {
    for (const { target, addon } of targets()) {
      fs.rmSync(DIST_ADDON, { force: true });
      if (addon) fs.copyFileSync(addon, DIST_ADDON);
      const vsix = path.join(OUT, `${name}-${target}-${version}.vsix`);
      run(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--target', target, '--out', vsix], { env: { ...process.env, FERRY_PACKAGE_BUILT: '1' } });
      console.log(`[package] ${path.relative(ROOT, vsix)}: ${addon ? 'with' : 'without'} the native data path`);
    }
  } finally {
    // dist/ is also what the workbench tests and F5 run: give it back the host's addon.
    fs.rmSync(DIST_ADDON, { force: true });
    if (hostAddon) fs.writeFileSync(DIST_ADDON, hostAddon);
  }
}

try {
  main();
} catch (err) {
  console.error(`[package] ${err.message}`);
  process.exitCode = 1;
}
