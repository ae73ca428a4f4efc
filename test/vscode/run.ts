/**
 * Runs the extension's tests inside a real VS Code workbench, offline: code-server (installed into .e2e/ by
 * test/vscode/setup.sh) serves the workbench on 127.0.0.1 and headless Chromium, driven by playwright-core, shows it.
 *
 *   npm run test:vscode [-- FILTER...] [--grep REGEX] [--build|--no-build] [--no-setup] [--keep] [--timeout-minutes N]
 *
 * 1. Extension-host suites (`test/vscode/suite/**\/*.exthost.ts`): one workbench opened with the payload
 *    extensionDevelopmentPath = the project, extensionTestsPath = exthost/index.js; mocha runs in the extension
 *    host and appends one line per test to a results file, which is printed as it grows.
 * 2. UI tests (`test/vscode/ui/**\/*.ui.ts`): the extension installed into a private extensions folder (exactly the
 *    files a VSIX would carry), one fresh code-server and browser context per test file, screenshots of every step
 *    in test-artifacts/screenshots/<test>/.
 * Prints one line per test and ends with `vscode: N passed, N failed`; exits 1 on any failure. Every step has a time
 * limit and code-server is stopped whatever happens.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startCodeServer, type CodeServer } from './lib/code-server';
import { discoverTests, testName } from './lib/discover';
import { ENV_FILES, ENV_GREP, ENV_RESULTS, ENV_WORKSPACE, ExtHostResultsReader, formatEvent, indent } from './lib/exthost-protocol';
import { ARTIFACTS_DIR, CHROMIUM, EXTHOST_INDEX, LOGS_DIR, ROOT, SCREENSHOTS_DIR, SETUP_SCRIPT } from './lib/paths';
import { killAllTracked, runProcess, secondsSince, sleep, withTimeout } from './lib/util';
import { Workbench, type UiTestModule } from './lib/workbench';

interface Options {
  filters: string[];
  grep?: string;
  /** auto: webpack when dist/extension.js is older than any input; always: --build; never: --no-build. */
  build: 'auto' | 'always' | 'never';
  setup: boolean;
  keep: boolean;
  timeoutMinutes: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { filters: [], build: 'auto', setup: true, keep: false, timeoutMinutes: 30 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--grep') options.grep = argv[++i];
    else if (arg === '--no-build') options.build = 'never';
    else if (arg === '--build') options.build = 'always';
    else if (arg === '--no-setup') options.setup = false;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--timeout-minutes') options.timeoutMinutes = Number(argv[++i]);
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else options.filters.push(arg);
  }
  if (!(options.timeoutMinutes > 0)) throw new Error('--timeout-minutes needs a positive number');
  return options;
}

const VIEWPORT = { width: 1400, height: 900 };
const BROWSER_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-extensions',
  '--disable-default-apps', '--no-default-browser-check', '--password-store=basic', '--disable-breakpad',
  // Loopback only: any other host name fails to resolve inside the browser (the workbench still asks for a few).
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];
/** Chromium keeps crash reports and dconf state under HOME/XDG folders: give it private ones inside the run folder. */
function browserEnv(runDir: string): Record<string, string> {
  const home = path.join(runDir, 'browser-home');
  mkdirSync(home, { recursive: true });
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return { ...env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache'), XDG_DATA_HOME: path.join(home, '.local', 'share') };
}

const EXTHOST_TIMEOUT_MS = Number(process.env.FERRY_E2E_EXTHOST_TIMEOUT_MS) || 10 * 60_000;
const UI_TEST_TIMEOUT_MS = 180_000;

interface Outcome {
  passed: number;
  failed: number;
}
const outcome: Outcome = { passed: 0, failed: 0 };
const pass = (line: string): void => {
  outcome.passed++;
  console.log(line);
};
const fail = (line: string, detail?: string): void => {
  outcome.failed++;
  console.log(line + (detail ? '\n' + indent(detail, '        ') : ''));
};

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l) && !l.includes('node_modules') && !l.includes('node:internal'))
    .slice(0, 4)
    .map((l) => '  ' + l.trim());
  const cause = err.cause instanceof Error ? `\ncaused by: ${err.cause.message.split('\n')[0]}` : '';
  const message = err.message.replace(/\n\s*\n/g, '\n').split('\n').slice(0, 12).join('\n').trimEnd();
  return [message + cause, ...frames].join('\n');
}

/** A browser context on the workbench, with console and page errors kept in a log file. */
async function newWorkbenchPage(browser: Browser, origin: string, consoleLog: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin }).catch(() => undefined);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.setDefaultNavigationTimeout(60_000);
  const lines: string[] = [];
  const flush = (): void => writeFileSync(consoleLog, lines.join('\n') + '\n');
  page.on('console', (m) => {
    lines.push(`[${m.type()}] ${m.text()}`);
    if (lines.length % 50 === 0) flush();
  });
  page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !/^(data|blob|vscode-\w+):/.test(r.url())) lines.push(`[offsite request, blocked] ${r.method()} ${r.url()}`);
  });
  page.on('close', flush);
  context.on('close', flush);
  return { context, page };
}

async function closeQuietly(what: { close(): Promise<void> } | undefined): Promise<void> {
  if (what) await withTimeout(what.close(), 15_000, 'closing the browser context').catch(() => undefined);
}

/** Why dist/extension.js must be rebuilt (missing, or an input of webpack is newer), or undefined when it is fresh. */
function bundleOutdatedBy(): string | undefined {
  const bundle = path.join(ROOT, 'dist', 'extension.js');
  if (!existsSync(bundle)) return 'dist/extension.js is missing';
  const built = statSync(bundle).mtimeMs;
  const newer = (file: string): boolean => existsSync(file) && statSync(file).mtimeMs > built;
  for (const file of ['package.json', 'package-lock.json', 'webpack.config.js', 'tsconfig.json', 'tsconfig.build.json']) {
    if (newer(path.join(ROOT, file))) return `${file} changed`;
  }
  const walk = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const found = entry.isDirectory() ? walk(full) : newer(full) ? full : undefined;
      if (found) return found;
    }
    return undefined;
  };
  const changed = walk(path.join(ROOT, 'src'));
  return changed ? `${path.relative(ROOT, changed)} changed` : undefined;
}

/** Top-level folders that never ship and that vsce would still walk file by file before applying .vscodeignore. */
const NEVER_PACKAGED = new Set(['.git', 'node_modules', '.e2e', 'test-artifacts', '.vscode-test']);

/**
 * Copies exactly the files `vsce package --no-dependencies` would put into the VSIX into <extensionsDir>/<id>.
 * vsce lists them from a shadow folder of symlinks to the project's top-level entries minus NEVER_PACKAGED
 * (listing the project itself walks the 800 MB of .e2e/ and takes 15 s; this takes 2).
 */
async function stageExtension(extensionsDir: string, runDir: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string; main?: string };
  const id = `${manifest.publisher}.${manifest.name}`;
  const target = path.join(extensionsDir, `${id}-${manifest.version}`);
  const shadow = path.join(runDir, 'vsce-shadow');
  mkdirSync(shadow, { recursive: true });
  for (const entry of readdirSync(ROOT)) if (!NEVER_PACKAGED.has(entry)) symlinkSync(path.join(ROOT, entry), path.join(shadow, entry));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vsce = require('@vscode/vsce') as typeof import('@vscode/vsce');
  // followSymlinks is passed through to vsce's collector although its typings do not declare it.
  const listOptions = { cwd: shadow, packageManager: vsce.PackageManager.None, followSymlinks: true };
  const files = await withTimeout(vsce.listFiles(listOptions), 60_000, 'vsce listFiles');
  const main = manifest.main?.replace(/^\.\//, '');
  if (main && !files.includes(main) && !files.includes(`${main}.js`)) {
    throw new Error(`the VSIX file list (from .vscodeignore) does not contain the extension's main file ${main}`);
  }
  for (const file of files) {
    mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(target, file));
  }
  const top = [...new Set(files.map((f) => f.split('/')[0]))].sort().join(' ');
  console.log(`[vscode] staged ${id}-${manifest.version}: ${files.length} files (${top})`);
  return id;
}

/** Phase 1: every selected *.exthost.js in one extension host run. */
async function runExtHostSuites(browser: Browser, files: string[], runDir: string, options: Options): Promise<void> {
  const t0 = Date.now();
  const dir = path.join(runDir, 'exthost');
  const workspace = path.join(runDir, 'exthost-workspace');
  mkdirSync(workspace, { recursive: true });
  const resultsFile = path.join(runDir, 'exthost-results.jsonl');
  const reader = new ExtHostResultsReader(resultsFile);
  let server: CodeServer | undefined;
  let context: BrowserContext | undefined;
  const printNew = (): void => {
    for (const event of reader.poll()) {
      const line = formatEvent(event);
      if (event.type === 'pass') pass(line!);
      else if (event.type === 'fail') {
        outcome.failed++;
        console.log(line);
      } else if (line) console.log(line);
    }
  };
  try {
    server = await startCodeServer({
      dir,
      extensionsDir: path.join(dir, 'extensions'),
      smokeTestDriver: true,
      logFile: path.join(LOGS_DIR, 'exthost-code-server.log'),
      env: {
        [ENV_RESULTS]: resultsFile,
        [ENV_FILES]: JSON.stringify(files),
        [ENV_WORKSPACE]: workspace,
        ...(options.grep ? { [ENV_GREP]: options.grep } : {}),
      },
    });
    console.log(`[vscode] extension host suites: ${files.length} file(s), workbench ${server.url} (started in ${secondsSince(t0)}s)`);
    ({ context } = await newWorkbenchPage(browser, server.url, path.join(LOGS_DIR, 'exthost-browser-console.log')));
    const page = context.pages()[0];
    let exit: { code: number; logs: unknown } | undefined;
    await page.exposeFunction('codeAutomationExit', (code: number, logs: unknown) => {
      exit = { code, logs };
    });
    await page.goto(
      server.workbenchUrl(workspace, [
        ['extensionDevelopmentPath', server.remoteUri(ROOT)],
        ['extensionTestsPath', server.remoteUri(EXTHOST_INDEX)],
      ]),
      { waitUntil: 'domcontentloaded' },
    );
    const deadline = Date.now() + EXTHOST_TIMEOUT_MS;
    while (!exit && Date.now() < deadline && !page.isClosed()) {
      printNew();
      await sleep(250);
    }
    await sleep(300); // the last lines are appended before run() settles; read them once more
    printNew();
    await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'exthost', 'final.png'), timeout: 15_000 }).catch(() => undefined);
    if (exit) saveWorkbenchLogs(exit.logs, path.join(LOGS_DIR, 'exthost-workbench'));
    if (!reader.ended) {
      const why = exit
        ? `the extension host ended before the suites did (it crashed or something called process.exit; workbench exit code ${exit.code})`
        : `no end of the suites within ${EXTHOST_TIMEOUT_MS / 1000} s`;
      const running = reader.running ? `\nrunning then: ${reader.running}` : '';
      fail('  FAIL  [exthost] run did not finish', `${why}${running}\ncode-server log (${path.relative(ROOT, path.join(LOGS_DIR, 'exthost-code-server.log'))}) ends with:\n${server.logTail(8)}`);
    } else if (exit && exit.code !== 0 && !reader.events.some((e) => e.type === 'fail')) {
      fail('  FAIL  [exthost] workbench', `exit code ${exit.code} although every test passed`);
    }
  } catch (err) {
    fail('  FAIL  [exthost] harness', describeError(err) + (server ? `\ncode-server log ends with:\n${server.logTail(8)}` : ''));
  } finally {
    await closeQuietly(context);
    await server?.stop();
    console.log(`[vscode] extension host suites done in ${secondsSince(t0)}s`);
  }
}

/** codeAutomationExit hands over the workbench's log files (window, extension host, extension output channels). */
function saveWorkbenchLogs(logs: unknown, dir: string): void {
  if (!Array.isArray(logs)) return;
  for (const entry of logs as { relativePath?: string; contents?: string }[]) {
    if (!entry.relativePath || typeof entry.contents !== 'string') continue;
    const file = path.join(dir, entry.relativePath.replace(/\.\.+/g, '_'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, entry.contents);
  }
}

/** Phase 2: one UI test file with its own code-server and browser context. */
async function runUiTest(browser: Browser, file: string, extensionsDir: string, runDir: string): Promise<void> {
  const t0 = Date.now();
  const name = testName(file);
  const dir = path.join(runDir, `ui-${name}`);
  const workspace = path.join(runDir, `ui-${name}-workspace`);
  mkdirSync(workspace, { recursive: true });
  const screenshotDir = path.join(SCREENSHOTS_DIR, name);
  rmSync(screenshotDir, { recursive: true, force: true });
  let server: CodeServer | undefined;
  let context: BrowserContext | undefined;
  let wb: Workbench | undefined;
  console.log(`  ....  [ui] ${name}`);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(file) as Partial<UiTestModule> | UiTestModule['default'];
    const test = typeof mod === 'function' ? mod : mod.default;
    if (typeof test !== 'function') throw new Error(`${file} has no default export function (export default async function (wb: Workbench) {...})`);
    const extras: Partial<UiTestModule> = typeof mod === 'function' ? {} : mod;
    const timeoutMs = extras.timeoutMs ?? UI_TEST_TIMEOUT_MS;
    let abandoned = false;
    const run = async (): Promise<void> => {
      await extras.prepare?.(workspace);
      const extensions = extras.extensions?.length ? extensionsWithFixtures(extensionsDir, path.join(dir, 'extensions'), extras.extensions) : extensionsDir;
      const settings = extras.settings;
      server = await startCodeServer({ dir, extensionsDir: extensions, settings, logFile: path.join(LOGS_DIR, `ui-${name}-code-server.log`) });
      if (abandoned) await server.stop(); // the time ran out while it was starting
      ({ context } = await newWorkbenchPage(browser, server.url, path.join(LOGS_DIR, `ui-${name}-browser-console.log`)));
      const page = context.pages()[0];
      await page.goto(server.workbenchUrl(workspace), { waitUntil: 'domcontentloaded' });
      wb = new Workbench(page, name, workspace, server, screenshotDir, t0);
      await wb.waitForReady();
      wb.log('workbench ready');
      await test(wb);
    };
    await withTimeout(run(), timeoutMs, `UI test ${name}`).catch((err: unknown) => {
      abandoned = true;
      throw err;
    });
    pass(`  pass  [ui] ${name} (${secondsSince(t0)} s, ${wb?.screenshots.length ?? 0} screenshots)`);
  } catch (err) {
    if (wb) await wb.screenshot('FAILED').catch(() => undefined);
    const logs = path.relative(ROOT, path.join(LOGS_DIR, `ui-${name}-*.log`));
    fail(`  FAIL  [ui] ${name} (${secondsSince(t0)} s)`, `${describeError(err)}\nscreenshots: ${path.relative(ROOT, screenshotDir)}/, logs: ${logs}`);
  } finally {
    const problems = wb ? await wb.runCleanups() : [];
    for (const problem of problems) console.log(`        cleanup of ${name} failed: ${problem}`);
    await closeQuietly(context);
    await (server as CodeServer | undefined)?.stop();
  }
}

/**
 * A test's own extensions folder: the staged Ferry and the fixtures `folders`. Its own, because code-server lists a
 * shared folder's extensions in extensions.json on first use and ignores folders added to it later.
 */
function extensionsWithFixtures(shared: string, target: string, folders: string[]): string {
  for (const entry of readdirSync(shared, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.')) cpSync(path.join(shared, entry.name), path.join(target, entry.name), { recursive: true });
  }
  for (const folder of folders) {
    const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
    cpSync(folder, path.join(target, `${manifest.publisher}.${manifest.name}-${manifest.version}`), { recursive: true });
  }
  return target;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const timing: string[] = [];
  const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      timing.push(`${label} ${secondsSince(t)}s`);
    }
  };

  // The whole run has a limit too: whatever hangs, code-server and the browser are killed and the run fails.
  const watchdog = setTimeout(() => {
    console.log(`[vscode] the run exceeded ${options.timeoutMinutes} minutes; stopping everything`);
    killAllTracked();
    console.log(`vscode: ${outcome.passed} passed, ${outcome.failed + 1} failed`);
    process.exit(1);
  }, options.timeoutMinutes * 60_000);

  if (options.setup) {
    const setup = await timed('setup', () => runProcess('bash', [SETUP_SCRIPT], { timeoutMs: 30 * 60_000, echo: true }));
    if (setup.code !== 0) throw new Error(`test/vscode/setup.sh failed (exit ${setup.code}${setup.timedOut ? ', timed out' : ''})`);
  }

  const found = discoverTests(options.filters);
  if (found.stale.length > 0) {
    console.log(`[vscode] warning: compiled output is missing or older than ${found.stale.join(', ')}; run \`npx tsc -p .\` first`);
  }
  const total = found.exthost.length + found.ui.length;
  if (total === 0) throw new Error(`no workbench test matches ${JSON.stringify(options.filters)} (compile first: npx tsc -p .)`);
  console.log(`[vscode] ${found.exthost.length} extension host suite file(s), ${found.ui.length} UI test(s)`);

  const stale = options.build === 'always' ? 'forced by --build' : options.build === 'auto' ? bundleOutdatedBy() : undefined;
  if (stale) {
    console.log(`[vscode] webpack --mode production (${stale})`);
    const webpack = path.join(ROOT, 'node_modules', '.bin', 'webpack');
    const build = await timed('build', () => runProcess(webpack, ['--mode', 'production'], { cwd: ROOT, timeoutMs: 5 * 60_000 }));
    if (build.code !== 0) throw new Error(`webpack --mode production failed (exit ${build.code}${build.timedOut ? ', timed out' : ''}):\n${build.output.slice(-3000)}`);
  } else if (options.build === 'auto') {
    console.log('[vscode] dist/ is newer than src/ and the build configuration: no rebuild');
  }
  if (!existsSync(path.join(ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing (build with npx webpack --mode production)');

  // Artifacts of this run only: the logs folder and the screenshot folders of the selected tests start empty.
  rmSync(LOGS_DIR, { recursive: true, force: true });
  mkdirSync(LOGS_DIR, { recursive: true });
  if (found.exthost.length > 0) rmSync(path.join(SCREENSHOTS_DIR, 'exthost'), { recursive: true, force: true });
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-vscode-'));
  if (!options.keep) scratch = runDir;
  let browser: Browser | undefined;
  try {
    browser = await timed('browser', () =>
      withTimeout(chromium.launch({ executablePath: CHROMIUM, headless: true, args: BROWSER_ARGS, env: browserEnv(runDir), timeout: 60_000 }), 90_000, 'launching Chromium'),
    );
    if (found.exthost.length > 0) await timed('exthost', () => runExtHostSuites(browser!, found.exthost, runDir, options));
    if (found.ui.length > 0) {
      const extensionsDir = path.join(runDir, 'extensions');
      await stageExtension(extensionsDir, runDir);
      await timed('ui', async () => {
        for (const file of found.ui) await runUiTest(browser!, file, extensionsDir, runDir);
      });
    }
  } finally {
    if (browser) await withTimeout(browser.close(), 20_000, 'closing Chromium').catch(() => undefined);
    killAllTracked();
    if (options.keep) console.log(`[vscode] kept ${runDir}`);
    removeScratch();
    clearTimeout(watchdog);
  }
  console.log(`[vscode] ${timing.join(', ')}; total ${secondsSince(t0)}s; artifacts in ${path.relative(ROOT, ARTIFACTS_DIR) || ARTIFACTS_DIR}/`);
}

/** The run's private folder (code-server state, workspaces, browser HOME); removed on every way out unless --keep. */
let scratch: string | undefined;
function removeScratch(): void {
  if (scratch) rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  scratch = undefined;
}

process.on('exit', () => {
  killAllTracked();
  removeScratch();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.log(`[vscode] ${signal}: stopping code-server and the browser`);
    killAllTracked();
    console.log(`\nvscode: ${outcome.passed} passed, ${outcome.failed + 1} failed`);
    process.exit(130);
  });
}

main().then(
  () => {
    console.log(`\nvscode: ${outcome.passed} passed, ${outcome.failed} failed`);
    process.exit(outcome.failed > 0 ? 1 : 0);
  },
  (err) => {
    console.log(`[vscode] ${describeError(err)}`);
    console.log(`\nvscode: ${outcome.passed} passed, ${outcome.failed + 1} failed`);
    process.exit(1);
  },
);

