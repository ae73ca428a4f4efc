#!/usr/bin/env node
// npm's install step: builds native/ferry_io.c (the sendfile data path, Linux only) with the node-gyp that
// npm ships. Without a compiler, or on another OS, Ferry works the same on its JavaScript data path, so a
// failed build is reported and does not fail the install.
'use strict';
const { spawnSync } = require('node:child_process');

if (process.platform !== 'linux') {
  console.log(`[ferry] native data path: not built on ${process.platform} (Linux only); the JavaScript data path is used`);
  process.exit(0);
}
const result = spawnSync('node-gyp', ['rebuild'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (result.status !== 0) {
  console.warn(`[ferry] native data path: node-gyp rebuild failed (${result.error?.message ?? `exit ${result.status}`}); the JavaScript data path is used`);
}
