import * as os from 'node:os';
import * as path from 'node:path';
import { FtpClient } from '../core/client';
import { ConflictRule, copyFile, CopyJob, TransferQueue } from '../core/fxp';
import { parseArgs, UsageError } from './args';
import { encodingOption } from './encoding-option';
import { FtpTarget, parseFtpUrl } from './ftp-url';
import { formatBytes } from '../core/format-bytes';

export const FXP_USAGE = `ferry fxp SRC_URL DST_URL [--verify] [--no-relay] [--passive=src|dst] [--conflict=overwrite|skip|skip-identical|resume|rename] [--allow-clear-data]
      [--source-encoding NAME] [--target-encoding NAME]   (each site's name encoding; a name keeps its text across them)
ferry queue list|add|run|pause|cancel|resume|retry|remove|clear [--queue FILE]   (default: $FERRY_QUEUE, else ~/.config/ferry/queue.json)
  queue add SRC_URL DST_URL [-r] [--no-relay] [--passive=src|dst] [--conflict=RULE] [--source-encoding NAME] [--target-encoding NAME]
                                                  (-r: a folder, one job per file; the encodings are kept with the job)
  queue run [--concurrency N] [--per-site N]      run until every job is done, failed, paused or cancelled
  queue pause|cancel|resume|retry|remove ID       (ID prefix is enough; takes effect in a running "queue run" too)
  queue clear                                     remove the done and cancelled jobs
  Several processes may share one queue file (the editor too): each job runs in one of them.
  Passwords are never stored in the queue file: give them with FERRY_PASSWORD when running.`;

const CONFLICTS: ConflictRule[] = ['overwrite', 'skip', 'skip-identical', 'resume', 'rename'];

function passiveOf(value: string | undefined): 'source' | 'target' | undefined {
  if (value === undefined) return undefined;
  if (value === 'src' || value === 'source') return 'source';
  if (value === 'dst' || value === 'target') return 'target';
  throw new UsageError(`--passive expects src or dst, got ${value}`);
}

function conflictOf(value: string | undefined): ConflictRule | undefined {
  if (value === undefined) return undefined;
  if (!CONFLICTS.includes(value as ConflictRule)) throw new UsageError(`--conflict expects one of ${CONFLICTS.join(', ')}`);
  return value as ConflictRule;
}

const ENCODING_OPTIONS = { 'source-encoding': { value: true }, 'target-encoding': { value: true } };

/** Applies --source-encoding and --target-encoding to the two URLs' settings. */
function applyEncodings(src: FtpTarget, dst: FtpTarget, options: Map<string, string[]>): void {
  src.site.encoding = encodingOption(options, 'source-encoding') ?? src.site.encoding;
  dst.site.encoding = encodingOption(options, 'target-encoding') ?? dst.site.encoding;
}

/** `ferry fxp`: one copy, printing the method used and the final bytes. */
export async function fxpCommand(argv: string[]): Promise<void> {
  const args = parseArgs(argv, { verify: {}, 'no-relay': {}, passive: { value: true }, conflict: { value: true }, 'allow-clear-data': {}, insecure: {}, verbose: {}, ...ENCODING_OPTIONS });
  if (args.positional.length !== 2) throw new UsageError('fxp takes SRC_URL and DST_URL');
  const [src, dst] = args.positional.map((u) => parseFtpUrl(u));
  applyEncodings(src, dst, args.options);
  for (const t of [src, dst]) if (args.options.has('insecure')) t.site.certificate = 'insecure';
  const log = args.options.has('verbose') ? (line: string) => console.error(line) : undefined;
  const source = new FtpClient({ ...src.site, maxConnections: 3, log });
  const target = new FtpClient({ ...dst.site, maxConnections: 3, log });
  try {
    let targetPath = dst.path;
    if (dst.directory || targetPath === '' || (await target.stat(targetPath))?.type === 'directory') targetPath = path.posix.join(targetPath, path.posix.basename(src.path));
    const result = await copyFile(
      { client: source, path: src.path },
      { client: target, path: targetPath },
      {
        verify: true,
        allowRelay: !args.options.has('no-relay'),
        passive: passiveOf(args.options.get('passive')?.[0]),
        conflict: conflictOf(args.options.get('conflict')?.[0]),
        allowClearData: args.options.has('allow-clear-data'),
        log,
      },
    );
    if (args.options.has('verify') && !result.verified.includes('+') && result.method !== 'skipped') {
      console.log('note: no hash algorithm offered by both servers; verified by size only');
    }
    console.log(`${result.method}: ${src.path} -> ${result.targetPath} ${result.size} bytes${result.offset ? ` (resumed at ${result.offset})` : ''}, verified ${result.verified}, through this machine ${result.clientBytes} bytes`);
  } finally {
    source.close();
    target.close();
  }
}

/** FERRY_QUEUE is set by the editor's terminal shim, so `ferry queue` there uses the FXP panel's queue. */
function defaultQueueFile(): string {
  if (process.env.FERRY_QUEUE) return process.env.FERRY_QUEUE;
  return path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'ferry', 'queue.json');
}

function describeJob(job: CopyJob): string {
  const total = job.size !== undefined ? ` / ${formatBytes(job.size)}` : '';
  const target = job.resolvedTarget ?? job.target.path;
  const note = job.error ? `  [${job.error}]` : job.skipped ? '  (skipped)' : '';
  return `${job.id.slice(0, 8)} ${job.state.padEnd(9)} ${(job.method ?? '-').padEnd(5)} ${formatBytes(job.bytesDone)}${total} ${job.source.site.host}:${job.source.site.port ?? 21}/${job.source.path} -> ${job.target.site.host}:${job.target.site.port ?? 21}/${target}${note}`;
}

/** The job commands: what they do, and the participle for "no job X that can be ...". */
const JOB_ACTIONS = {
  pause: { apply: (q: TransferQueue, id: string) => q.pause(id), done: 'paused' },
  cancel: { apply: (q: TransferQueue, id: string) => q.cancel(id), done: 'cancelled' },
  resume: { apply: (q: TransferQueue, id: string) => q.resume(id), done: 'resumed' },
  retry: { apply: (q: TransferQueue, id: string) => q.retry(id), done: 'retried' },
  remove: { apply: (q: TransferQueue, id: string) => q.remove(id), done: 'removed' },
} as const;

/** After `queue run`: the final state must reach the file; a full disk gets some time to recover. */
async function saveBeforeExit(queue: TransferQueue): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await queue.flush();
    } catch (err) {
      if (attempt >= 30) throw err;
      if (attempt === 1) console.error(`${(err as Error).message}; retrying for 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function runQueue(queue: TransferQueue): Promise<void> {
  let last = '';
  queue.on('job', (job) => {
    if (job.state === 'running' && job.bytesDone > 0) return;
    const line = describeJob(job);
    if (line !== last) console.log((last = line));
  });
  await queue.run();
  await saveBeforeExit(queue);
  const failed = queue.list().filter((j) => j.state === 'failed');
  if (failed.length > 0) throw new Error(`${failed.length} job(s) failed`);
}

async function addJobs(queue: TransferQueue, args: ReturnType<typeof parseArgs>): Promise<void> {
  if (args.positional.length !== 2) throw new UsageError('queue add takes SRC_URL and DST_URL');
  const [src, dst] = args.positional.map((u) => parseFtpUrl(u));
  applyEncodings(src, dst, args.options);
  if (src.site.password || dst.site.password) console.error('note: passwords in URLs are not stored in the queue; set FERRY_PASSWORD when running it');
  const spec = {
    source: { site: src.site, path: src.path },
    target: { site: dst.site, path: dst.path },
    conflict: conflictOf(args.options.get('conflict')?.[0]),
    passive: passiveOf(args.options.get('passive')?.[0]),
    allowRelay: !args.options.has('no-relay'),
  };
  const jobs = args.options.has('recursive') ? await queue.addFolder(spec) : [await queue.add(spec)];
  await queue.flush();
  for (const job of jobs) console.log(`queued ${describeJob(job)}`);
}

/** `ferry queue ...` over the persistent queue file. */
export async function queueCommand(argv: string[]): Promise<void> {
  const [action, ...rest] = argv;
  const args = parseArgs(rest, { queue: { value: true }, recursive: { short: 'r' }, 'no-relay': {}, passive: { value: true }, conflict: { value: true }, concurrency: { value: true }, 'per-site': { value: true }, verbose: {}, ...ENCODING_OPTIONS });
  const queue = await TransferQueue.open({
    file: args.options.get('queue')?.[0] ?? defaultQueueFile(),
    concurrency: Number(args.options.get('concurrency')?.[0] ?? 2),
    perSite: Number(args.options.get('per-site')?.[0] ?? 2),
    passwordFor: () => process.env.FERRY_PASSWORD,
    log: args.options.has('verbose') ? (line) => console.error(line) : undefined,
  });
  try {
    switch (action) {
      case 'list':
        for (const job of queue.list()) console.log(describeJob(job));
        return;
      case 'add':
        return await addJobs(queue, args);
      case 'run':
        return await runQueue(queue);
      case 'clear': {
        const removed = queue.clearFinished();
        await queue.flush();
        console.log(`removed ${removed} finished job(s)`);
        return;
      }
      case 'pause':
      case 'cancel':
      case 'resume':
      case 'retry':
      case 'remove': {
        const id = args.positional[0];
        if (!id) throw new UsageError(`queue ${action} takes a job ID`);
        const job = queue.get(id);
        if (!job || JOB_ACTIONS[action].apply(queue, job.id) === 0) throw new Error(`no job ${id} that can be ${JOB_ACTIONS[action].done}`);
        await queue.flush();
        console.log(action === 'remove' ? `removed ${describeJob(job)}` : describeJob(queue.get(job.id)!));
        return;
      }
      default:
        throw new UsageError(`queue expects list, add, run, pause, cancel, resume, retry, remove or clear`);
    }
  } finally {
    queue.close();
  }
}
