import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { FtpClient, RemoteEntry, SiteSettings } from '../core/client';
import { OptionSpec, parseArgs, UsageError } from './args';
import { encodingHelp, encodingOption } from './encoding-option';
import { FtpTarget, parseFtpUrl } from './ftp-url';
import { formatBytes } from '../core/format-bytes';
import { progressBar } from './progress-bar';

export const CLIENT_USAGE = `ferry ls URL [-l]
ferry get URL [LOCAL] [--continue] [--no-preserve-time]   (a directory URL downloads the whole tree)
ferry put LOCAL URL [--continue] [--no-preserve-time]     (a local directory uploads the whole tree)
ferry rm URL [-r]
ferry mkdir URL [-p]
ferry mv URL NEWPATH
ferry chmod MODE URL
  connection options: --active[=ADDR] --passive --tls (explicit) --implicit-tls --insecure --verbose --encoding NAME
${encodingHelp('  ')}
  undecodable name bytes show as U+EF80-U+EFFF characters and can be given back as they are, or as %XX in the URL
  URLs: ftp://user[:password]@host[:port]/path (password also from FERRY_PASSWORD); ftpes:// = explicit TLS,
  ftps:// = implicit TLS; paths are relative to the login directory, %2F at the start makes them absolute`;

const CONNECTION_OPTIONS: Record<string, OptionSpec> = {
  active: { optionalValue: true },
  passive: {},
  tls: {},
  'implicit-tls': {},
  insecure: {},
  verbose: {},
  encoding: { value: true },
};

/** Applies the connection flags to the URL's settings. */
function siteFrom(target: FtpTarget, options: Map<string, string[]>): SiteSettings {
  const site: SiteSettings = { ...target.site, maxConnections: 4 };
  if (options.has('active') && options.has('passive')) throw new UsageError('--active and --passive exclude each other');
  if (options.has('active')) {
    site.dataMode = 'active';
    const address = options.get('active')![0];
    if (address !== 'true') site.activeAddress = address;
  }
  if (options.has('passive')) site.dataMode = 'passive';
  if (options.has('tls')) site.tls = 'explicit';
  if (options.has('implicit-tls')) site.tls = 'implicit';
  if (options.has('insecure')) site.certificate = 'insecure';
  if (options.has('verbose')) site.log = (line) => console.error(line);
  site.encoding = encodingOption(options, 'encoding') ?? site.encoding;
  return site;
}

/** get and put: --continue resumes, --no-preserve-time leaves the copy's modification time "now". */
const TRANSFER_OPTIONS: Record<string, OptionSpec> = { continue: { short: 'c' }, 'no-preserve-time': {} };

function transferFlags(options: Map<string, string[]>): { resume: boolean; preserveTime: boolean } {
  return { resume: options.has('continue'), preserveTime: !options.has('no-preserve-time') };
}

function modeString(entry: RemoteEntry): string {
  const type = entry.type === 'directory' ? 'd' : entry.type === 'symlink' ? 'l' : '-';
  if (entry.mode === undefined) return type + '?????????';
  return type + [6, 3, 0].map((shift) => ['r', 'w', 'x'].map((c, i) => ((entry.mode! >> shift) & (4 >> i) ? c : '-')).join('')).join('');
}

type Handler = (client: FtpClient, target: FtpTarget, positional: string[], options: Map<string, string[]>) => Promise<void>;

interface ClientCommand {
  /** Positional arguments: [min, max]. */
  arity: [number, number];
  /** Which positional is the URL. */
  urlIndex: number;
  options?: Record<string, OptionSpec>;
  handler: Handler;
}

const COMMANDS: Record<string, ClientCommand> = {
  ls: {
    arity: [1, 1],
    urlIndex: 0,
    options: { long: { short: 'l' } },
    handler: async (client, target, _p, options) => {
      const entries = await client.list(target.path);
      for (const e of entries) {
        if (!options.has('long')) console.log(e.name + (e.type === 'directory' ? '/' : ''));
        else console.log(`${modeString(e)} ${String(e.size).padStart(12)} ${e.modifiedAt?.toISOString().slice(0, 16).replace('T', ' ') ?? '                '} ${e.name}${e.target ? ' -> ' + e.target : ''}`);
      }
    },
  },
  get: {
    arity: [1, 2],
    urlIndex: 0,
    options: TRANSFER_OPTIONS,
    handler: async (client, target, positional, options) => {
      const entry = await client.stat(target.path);
      if (!entry) throw new Error(`${target.path}: no such file or directory on the server`);
      const name = path.posix.basename(target.path) || 'download';
      let local = positional[1] ?? name;
      if (existsSync(local) && statSync(local).isDirectory() && entry.type !== 'directory') local = path.join(local, name);
      if (entry.type === 'directory') {
        const bar = progressBar(name);
        const r = await client.downloadFolder(target.path, local, { ...transferFlags(options), onProgress: (p) => bar.update({ bytes: p.bytes, offset: 0, total: p.totalBytes, rate: 0, elapsedMs: 0 }) });
        bar.done();
        return void console.log(`downloaded ${r.files} files (${formatBytes(r.bytes)}) to ${local}`);
      }
      const bar = progressBar(name);
      const r = await client.downloadFile(target.path, local, { ...transferFlags(options), remoteModifiedAt: entry.modifiedAt, onProgress: bar.update });
      bar.done();
      console.log(`downloaded ${target.path} to ${local}: ${r.size} bytes${r.offset ? ` (resumed at ${r.offset})` : ''}`);
    },
  },
  put: {
    arity: [2, 2],
    urlIndex: 1,
    options: TRANSFER_OPTIONS,
    handler: async (client, target, positional, options) => {
      const local = positional[0];
      if (!existsSync(local)) throw new Error(`${local}: no such local file or directory`);
      let remote = target.path;
      const existing = target.directory || remote === '' ? { type: 'directory' } : await client.stat(remote);
      if (existing?.type === 'directory') remote = path.posix.join(remote, path.basename(path.resolve(local)));
      if (statSync(local).isDirectory()) {
        const r = await client.uploadFolder(local, remote, transferFlags(options));
        return void console.log(`uploaded ${r.files} files (${formatBytes(r.bytes)}) to ${remote}`);
      }
      const bar = progressBar(path.basename(local));
      const r = await client.uploadFile(local, remote, { ...transferFlags(options), onProgress: bar.update });
      bar.done();
      console.log(`uploaded ${local} to ${remote}: ${r.size} bytes${r.offset ? ` (resumed at ${r.offset})` : ''}`);
    },
  },
  rm: {
    arity: [1, 1],
    urlIndex: 0,
    options: { recursive: { short: 'r' } },
    handler: (client, target, _p, options) => client.remove(target.path, { recursive: options.has('recursive') }),
  },
  mkdir: {
    arity: [1, 1],
    urlIndex: 0,
    options: { parents: { short: 'p' } },
    handler: (client, target, _p, options) => client.mkdir(target.path, { parents: options.has('parents') }),
  },
  mv: {
    arity: [2, 2],
    urlIndex: 0,
    handler: (client, target, positional) => client.rename(target.path, positional[1]),
  },
  chmod: {
    arity: [2, 2],
    urlIndex: 1,
    handler: async (client, target, positional) => {
      if (!/^[0-7]{3,4}$/.test(positional[0])) throw new UsageError(`MODE must be octal like 644, got ${positional[0]}`);
      await client.chmod(target.path, parseInt(positional[0], 8));
    },
  },
};

export const CLIENT_COMMAND_NAMES = Object.keys(COMMANDS);

/** Runs one client command; errors propagate as one-line messages to the CLI's error handler. */
export async function clientCommand(name: string, argv: string[]): Promise<void> {
  const command = COMMANDS[name];
  const args = parseArgs(argv, { ...CONNECTION_OPTIONS, ...command.options });
  const [min, max] = command.arity;
  if (args.positional.length < min || args.positional.length > max) throw new UsageError(`${name} takes ${min === max ? min : `${min} to ${max}`} arguments, see ferry --help`);
  const target = parseFtpUrl(args.positional[command.urlIndex]);
  const client = new FtpClient(siteFrom(target, args.options));
  try {
    await command.handler(client, target, args.positional, args.options);
  } finally {
    client.close();
  }
}
