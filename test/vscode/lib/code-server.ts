/**
 * Starts code-server (installed by test/vscode/setup.sh) as an isolated workbench on 127.0.0.1: its own port,
 * user data, extensions folder, HOME and XDG folders, so it never reads or writes the user's VS Code or
 * code-server state and two runs never share anything.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import * as path from 'node:path';
import { CODE_SERVER_ENTRY, NODE24, NODE24_DIR } from './paths';
import { freePort, sleep, stopGroup, trackedGroups } from './util';

export const HOST = '127.0.0.1';

/** User settings every workbench starts with: quiet, offline, deterministic. Tests may add their own. */
export const BASE_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'npm.autoDetect': 'off',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.commandCenter': false,
};

export interface CodeServerOptions {
  /** Private folder of this instance (user data, HOME, XDG folders, config, log). Created when missing. */
  dir: string;
  extensionsDir: string;
  /** Adds `--vscode-option enable-smoke-test-driver`: the workbench then reports the end of an extensionTestsPath run. */
  smokeTestDriver?: boolean;
  /**
   * Extra user settings (merged over BASE_SETTINGS). `'security.workspace.trust.enabled': true` also drops
   * `--disable-workspace-trust`, so the folder opens untrusted (Restricted Mode) until the test trusts it.
   */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server and so for the extension host. */
  env?: Record<string, string>;
  logFile: string;
  startTimeoutMs?: number;
}

export interface CodeServer {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** `vscode-remote://127.0.0.1:PORT` + an absolute path on this machine: how the browser names a server file. */
  remoteUri(absolutePath: string): string;
  /** Workbench URL opening `folder`, with an optional payload (extensionDevelopmentPath, extensionTestsPath). */
  workbenchUrl(folder: string, payload?: [string, string][]): string;
  /** Last lines of code-server's log (stdout and stderr). */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

/** The environment of the runner minus what would make code-server or the extension host behave differently. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // A runner started from a VS Code terminal carries VSCODE_IPC_HOOK_CLI & co.; code-server would talk to that
    // editor instead. npm_* and NODE_OPTIONS come from `npm run` and the user's shell.
    if (/^(VSCODE_|ELECTRON_|npm_|NODE_OPTIONS$|NODE_ENV$|INIT_CWD$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, PATH: `${path.join(NODE24_DIR, 'bin')}:${process.env.PATH ?? ''}`, ...extra };
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: HOST, port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.includes('vsda'))
    .slice(-lines)
    .join('\n');
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  if (!existsSync(NODE24) || !existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server is not installed (${CODE_SERVER_ENTRY}): run bash test/vscode/setup.sh`);
  }
  const dir = options.dir;
  const userData = path.join(dir, 'user-data');
  const home = path.join(dir, 'home');
  for (const d of [dir, path.join(userData, 'User'), home, options.extensionsDir]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...options.settings }, null, 2));
  const configFile = path.join(dir, 'config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const env = cleanEnv({
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    // No marketplace: an empty gallery makes the workbench skip every query to open-vsx.org (offline, loopback only).
    EXTENSIONS_GALLERY: '{}',
    ...options.env,
  });

  // The free port may be taken between the probe and code-server's bind: then try again on another one.
  let lastError = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const args = [
      CODE_SERVER_ENTRY,
      '--bind-addr', `${HOST}:${port}`,
      '--auth', 'none',
      '--config', configFile,
      '--user-data-dir', userData,
      '--extensions-dir', options.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.settings?.['security.workspace.trust.enabled'] === true ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ];
    const logFd = openSync(options.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(NODE24, args, { env, cwd: dir, stdio: ['ignore', logFd, logFd], detached: true });
    } finally {
      closeSync(logFd);
    }
    if (child.pid !== undefined) trackedGroups.add(child.pid);
    const instance: CodeServer = {
      port,
      url: `http://${HOST}:${port}`,
      remoteUri: (p) => `vscode-remote://${HOST}:${port}${p}`,
      workbenchUrl: (folder, payload) =>
        `http://${HOST}:${port}/?folder=${encodeURIComponent(folder)}` + (payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''),
      logTail: (lines = 30) => tail(options.logFile, lines),
      stop: () => stopGroup(child),
    };
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if (await healthy(port)) return instance;
      await sleep(200);
    }
    await instance.stop();
    lastError = instance.logTail(20);
    if (!/EADDRINUSE/.test(lastError)) break;
  }
  throw new Error(`code-server did not become healthy; its log (${options.logFile}) ends with:\n${lastError}`);
}
