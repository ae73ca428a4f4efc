import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SessionInfo } from '../../core/server';
import { describeTransferEnd } from './format';
import { GeneratedLogin, generatedLogin } from './generated-login';
import { inputsFingerprint, readLaunchInputs } from './launch-inputs';
import { LaunchPlan, planLaunch } from './model/launch-plan';
import { ServerProcess } from './server-process';

/** A server started by the Serve command. */
export interface RunningServer {
  folder: vscode.WorkspaceFolder;
  process: ServerProcess;
  plan: LaunchPlan;
  /** Set when nobody was configured and the generated user serves as the login. */
  login?: GeneratedLogin;
  /** The URL to give clients, with the generated user's name when that is the login. */
  url: string;
  /** Fingerprint of the settings and config file the server started with (see inputsFingerprint). */
  fingerprint: string;
}

/** What a failed start reports, for messages that point at the fix. */
export interface StartProblem {
  error: unknown;
  folder: vscode.WorkspaceFolder;
  /** Known when the configuration was valid and the failure came later (root, listener). */
  plan?: LaunchPlan;
}

/** Hooks the controller calls to talk to the user; the messages module implements them. */
export interface ServerNotifier {
  started(server: RunningServer): void;
  failed(problem: StartProblem): void;
  crashed(folder: vscode.WorkspaceFolder, detail: string): void;
}

/**
 * Owns the one server the window runs: starts it in a child process from the folder's settings
 * and mini_ftpd.conf, mirrors its sessions for the views, logs its transfers, stops it.
 */
export class ServerController implements vscode.Disposable {
  private current?: RunningServer;
  private busyCount = 0;
  /** Starts, stops and restarts run one after the other: two quick "Serve" clicks must not start two servers. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the server starts or stops, and when its sessions change. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly notifier: ServerNotifier,
  ) {}

  get running(): RunningServer | undefined {
    return this.current;
  }

  /** True while a start, stop or reconfiguration is under way (change prompts wait for it). */
  get busy(): boolean {
    return this.busyCount > 0;
  }

  /** The latest session snapshot of the running server. */
  sessions(): SessionInfo[] {
    return this.current?.process.sessions() ?? [];
  }

  /**
   * Starts serving `folder`, stopping a server that serves another one; reports failures itself.
   * When the folder is already served, the server keeps its sessions and only says where it is.
   */
  start(folder: vscode.WorkspaceFolder): Promise<RunningServer | undefined> {
    return this.whileBusy(async () => {
      if (this.current && this.current.folder.uri.toString() === folder.uri.toString()) {
        this.notifier.started(this.current);
        return this.current;
      }
      await this.stopCurrent();
      return this.launch(folder);
    });
  }

  /** Stops the server, if any. */
  stop(): Promise<void> {
    return this.whileBusy(() => this.stopCurrent());
  }

  /** Applies a configuration change made by `change`, then restarts, without a change prompt in between. */
  reconfigure(change: () => Thenable<unknown>): Promise<RunningServer | undefined> {
    return this.whileBusy(async () => {
      await change();
      const folder = this.current?.folder;
      await this.stopCurrent();
      return folder ? this.launch(folder) : undefined;
    });
  }

  /** Restarts the running server with its folder's current settings and config file. */
  restart(): Promise<RunningServer | undefined> {
    return this.reconfigure(async () => undefined);
  }

  /** Asks the server to drop one client. */
  disconnect(sessionId: number): void {
    this.current?.process.disconnect(sessionId);
  }

  /** Whether the folder's settings or config file differ from what the running server started with. */
  async configurationChanged(): Promise<boolean> {
    const running = this.current;
    if (!running) return false;
    return inputsFingerprint(await readLaunchInputs(running.folder)) !== running.fingerprint;
  }

  dispose(): void {
    // The window is closing: ask the child to stop; it also stops by itself when the IPC channel closes.
    void this.current?.process.stop();
    this.current = undefined;
    this.changed.dispose();
  }

  private whileBusy<T>(work: () => Promise<T>): Promise<T> {
    this.busyCount++;
    const run = this.queue.then(work).finally(() => this.busyCount--);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async launch(folder: vscode.WorkspaceFolder): Promise<RunningServer | undefined> {
    let plan: LaunchPlan | undefined;
    try {
      const inputs = await readLaunchInputs(folder);
      plan = planLaunch(inputs);
      const login = plan.needsGeneratedUser ? await generatedLogin(this.context.secrets) : undefined;
      const script = path.join(this.context.extensionPath, 'dist', 'server-child.js');
      const request = {
        type: 'start' as const,
        root: folder.uri.fsPath,
        tunables: plan.tunables,
        users: login ? [...plan.users, login.user] : plan.users,
        stateDir: this.context.globalStorageUri.fsPath,
      };
      // The folder is the working directory, so relative roots and certificate paths resolve against it.
      const process = await ServerProcess.start(script, request, { cwd: folder.uri.fsPath });
      const url = login ? process.url.replace('ftp://', `ftp://${login.user.name}@`) : process.url;
      const running: RunningServer = { folder, process, plan, login, url, fingerprint: inputsFingerprint(inputs) };
      this.attach(running);
      this.log.info(`[server] serving ${folder.uri.fsPath} at ${process.url}${plan.configFile ? ` (config ${plan.configFile})` : ''}`);
      if (plan.restricted) this.log.info(`[server] Restricted Mode: the workspace's configuration is not applied${plan.restricted.ignored.length ? ` (ignored: ${plan.restricted.ignored.join(', ')})` : ''}`);
      if (process.unconfined) this.log.warn(`[server] paths are checked, not confined by the kernel (${process.unconfined}): a local process renaming entries in the folder while commands run could redirect them outside it`);
      this.notifier.started(running);
      return running;
    } catch (error) {
      this.log.error(`[server] could not start: ${error instanceof Error ? error.message : String(error)}`);
      this.notifier.failed({ error, folder, plan });
      return undefined;
    }
  }

  private attach(running: RunningServer): void {
    this.current = running;
    const { process } = running;
    process.on('sessions', () => this.changed.fire());
    process.on('login', (s) => this.log.info(`[server] login: ${s.user} from ${s.remoteAddress}`));
    process.on('transfer-start', (t) => this.log.debug(`[server] ${t.user} ${t.command} ${t.path} started`));
    process.on('transfer-end', (t) => this.log.info(`[server] ${describeTransferEnd(t)}`));
    process.on('log', (line) => this.log.trace(`[server] ${line}`));
    process.on('exit', ({ expected, code, stderr }) => {
      if (this.current !== running) return;
      this.current = undefined;
      this.changed.fire();
      if (!expected) {
        const detail = `exit code ${code}${stderr ? `: ${stderr.trim()}` : ''}`;
        this.log.error(`[server] the server process stopped unexpectedly (${detail})`);
        this.notifier.crashed(running.folder, detail);
      }
    });
    this.changed.fire();
  }

  private async stopCurrent(): Promise<void> {
    const running = this.current;
    if (!running) return;
    this.current = undefined;
    await running.process.stop();
    this.log.info(`[server] stopped serving ${running.folder.uri.fsPath}`);
    this.changed.fire();
  }
}
