/**
 * Entry point of the FXP queue's child process (dist/queue-child.js): the extension host forks
 * it so the queue's file saves (a 10 000-job file is megabytes of JSON) and relay copies (every
 * byte through this machine) never stall the editor. Plain Node, no vscode import. It opens the
 * TransferQueue on the file the `open` call names, runs it whenever there is runnable work, merges
 * what other processes (another window, `ferry queue`) write to the file, forwards the queue's
 * events, and asks the extension host for a site's password when a job connects. When the channel
 * closes (the window closes or reloads, the extension host dies) it closes the queue, so running
 * jobs go back to the file queued and resumable, and exits.
 */
import { watch } from 'node:fs';
import * as path from 'node:path';
import { SiteRef, TransferQueue } from '../../core/fxp';
import { JobForwarder } from './model/job-forwarder';
import type { ChildMessage, OpenQueue, ParentMessage, QueueCall } from './model/queue-ipc';

/** Changes by other processes are looked for this often even without a watch event (missed events, network file systems). */
const SYNC_INTERVAL_MS = 15_000;
/** A save is a burst of watch events (temporary file, rename, lock): one sync per burst. */
const WATCH_DEBOUNCE_MS = 250;
/** A password the extension host does not give within this is taken as none (the login then fails and is retried). */
const PASSWORD_TIMEOUT_MS = 60_000;
/** Closing saves the handed-back jobs; a save stuck on a dead network drive must not keep the process alive. */
const CLOSE_LIMIT_MS = 10_000;

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

const log = (level: 'info' | 'warn' | 'error', line: string) => send({ type: 'log', level, line });

/** Password requests waiting for the extension host's answer. */
const passwords = new Map<number, (password: string | undefined) => void>();
let nextPasswordId = 1;

function passwordFor(site: SiteRef): Promise<string | undefined> {
  const id = nextPasswordId++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => answer(undefined), PASSWORD_TIMEOUT_MS);
    const answer = (password: string | undefined) => {
      clearTimeout(timer);
      passwords.delete(id);
      resolve(password);
    };
    passwords.set(id, answer);
    send({ type: 'password', id, site });
  });
}

/** The open queue, run whenever it has work and kept in step with the file. */
class QueueHost {
  private readonly forwarder = new JobForwarder((event) => send({ type: 'event', event }));
  private readonly stops: (() => void)[] = [() => this.forwarder.dispose()];
  private running?: Promise<void>;
  private runAgain = false;
  private syncing?: Promise<void>;
  private syncAgain = false;
  private closed = false;
  /** Folder walks in progress, by call id, so a `cancel` stops them. */
  readonly walks = new Map<number, AbortController>();

  private constructor(
    readonly queue: TransferQueue,
    /** Read at every copy: a settings change reaches the next copy. */
    readonly copyDefaults: { allowClearData: boolean },
  ) {}

  static async open(open: OpenQueue): Promise<QueueHost> {
    const copyDefaults = { allowClearData: open.allowClearData };
    const queue = await TransferQueue.open({ file: open.file, ...open.limits, passwordFor, copyDefaults, log: (line) => log('info', line) });
    const host = new QueueHost(queue, copyDefaults);
    host.forwardEvents();
    host.forwarder.reset(queue.list());
    host.sendMeta();
    host.watchFile(open.file);
    // Jobs that were running when the window closed continue (from the target's size).
    host.kick();
    return host;
  }

  private sendMeta(): void {
    const { queue } = this;
    send({ type: 'event', event: { kind: 'meta', meta: { limits: queue.limits(), pausedAll: queue.pausedAll, groups: queue.groups(), saveProblem: queue.saveProblem } } });
  }

  private forwardEvents(): void {
    const { queue } = this;
    let saveProblem = queue.saveProblem;
    queue.on('job', (job) => this.forwarder.job(job));
    queue.on('removed', (ids) => this.forwarder.removed(ids));
    queue.on('reset', () => this.forwarder.reset(queue.list()));
    queue.on('meta', () => {
      if (queue.saveProblem !== saveProblem) {
        saveProblem = queue.saveProblem;
        if (saveProblem) log('warn', `the queue file cannot be saved (kept in memory, retried): ${saveProblem}`);
      }
      this.sendMeta();
    });
    queue.on('drained', () => send({ type: 'event', event: { kind: 'drained' } }));
  }

  /** Reacts to saves by other processes: a directory watch (the file is replaced by rename on every save), and a timer as a backup. */
  private watchFile(file: string): void {
    const name = path.basename(file);
    let debounce: NodeJS.Timeout | undefined;
    try {
      const watcher = watch(path.dirname(file), (_event, changed) => {
        if (changed && changed.toString() !== name) return;
        clearTimeout(debounce);
        debounce = setTimeout(() => void this.sync(), WATCH_DEBOUNCE_MS);
      });
      watcher.on('error', (err) => log('warn', `watching the queue file stopped: ${err.message}`));
      this.stops.push(() => watcher.close());
    } catch (err) {
      log('warn', `cannot watch ${file} (${(err as Error).message}); looking for changes every ${SYNC_INTERVAL_MS / 1000} s`);
    }
    const timer = setInterval(() => void this.sync(), SYNC_INTERVAL_MS);
    this.stops.push(() => (clearTimeout(debounce), clearInterval(timer)));
  }

  /** Merges what other processes wrote to the file and runs the queue when that brought work. One sync at a time. */
  private sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        try {
          if (await this.queue.sync()) this.kick();
        } catch (err) {
          log('warn', `reading the queue file: ${(err as Error).message}`);
        }
      } while (this.syncAgain && !this.closed);
    })().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /** Runs the queue until it has nothing runnable; a kick during a run makes it look again when that run ends. */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.runAgain = true;
      return;
    }
    this.running = (async () => {
      do {
        this.runAgain = false;
        try {
          await this.queue.run();
        } catch (err) {
          log('error', `the queue stopped: ${(err as Error).message}`);
        }
      } while (this.runAgain && !this.closed);
    })().finally(() => (this.running = undefined));
  }

  /** Hands running jobs back (queued, resumable) and saves; resolves when the file has them. */
  async close(): Promise<void> {
    this.closed = true;
    this.stops.forEach((stop) => stop());
    this.walks.forEach((walk) => walk.abort());
    this.queue.removeAllListeners();
    this.queue.close();
    // The channel may be closed already: stderr is what the extension host keeps of a child that stops.
    await this.queue.flush().catch((err: Error) => console.error(`closing the queue: ${err.message}`));
  }
}

let host: QueueHost | undefined;
let opening: Promise<QueueHost> | undefined;

/** Carries out one call on the open queue; the result goes back in the reply. */
async function carryOut(id: number, call: QueueCall): Promise<unknown> {
  if (call.op === 'open') {
    opening ??= QueueHost.open(call.open);
    host = await opening;
    return { pid: process.pid };
  }
  if (!host) throw new Error('the FXP queue is not open');
  const { queue } = host;
  switch (call.op) {
    case 'addMany': {
      const jobs = await queue.addMany(call.specs);
      host.kick();
      return jobs.map((j) => j.id);
    }
    case 'addFolder':
      return addFolder(host, id, call.spec, call.exclude);
    case 'intent': {
      const changed = queue[call.intent](call.ids);
      if (call.intent === 'resume' || call.intent === 'retry') host.kick();
      return changed;
    }
    // Moving a block keeps its order: up from its first row, down from its last.
    case 'move':
      return (call.direction === 'up' ? call.ids : [...call.ids].reverse()).filter((jobId) => queue.move(jobId, call.direction)).length;
    case 'pauseAll':
      return queue.pauseAll();
    case 'resumeAll':
      queue.resumeAll();
      return host.kick();
    case 'clearFinished':
      return queue.clearFinished();
    case 'setLimits':
      queue.setLimits(call.limits);
      host.kick();
      return queue.limits();
    case 'setAllowClearData':
      host.copyDefaults.allowClearData = call.allow;
      return undefined;
  }
}

/** Walks a folder (cancellable by the extension host) and queues its files as one group. */
async function addFolder(open: QueueHost, id: number, spec: Parameters<TransferQueue['addFolder']>[0], exclude?: string[]): Promise<string[]> {
  const walk = new AbortController();
  open.walks.set(id, walk);
  try {
    const jobs = await open.queue.addFolder(spec, { signal: walk.signal, exclude, onFound: (files) => send({ type: 'found', id, files }) });
    open.kick();
    return jobs.map((j) => j.id);
  } finally {
    open.walks.delete(id);
  }
}

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'call':
      carryOut(message.id, message.call).then(
        (result) => send({ type: 'reply', id: message.id, ok: true, result }),
        (err: Error) => send({ type: 'reply', id: message.id, ok: false, error: err?.message ?? String(err) }),
      );
      break;
    case 'cancel':
      host?.walks.get(message.id)?.abort();
      break;
    case 'password':
      passwords.get(message.id)?.(message.password);
      break;
  }
});

// The extension host closed the channel (window closed or reloaded) or died: never run jobs without an owner that shows them.
process.on('disconnect', () => {
  setTimeout(() => process.exit(0), CLOSE_LIMIT_MS);
  void (opening ?? Promise.resolve(undefined))
    .catch(() => undefined)
    .then((open) => open?.close())
    .finally(() => process.exit(0));
});
