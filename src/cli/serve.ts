import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { nativeIo, nativeIoUnavailable } from '../core/native/native-io';
import { applyOverrides, defaultTunables, Override, hashPassword, loadConfigFile, ParsedConfig, ServerHandle, startServer, tuneHeapForServer, Tunables, UserAccount } from '../core/server';
import { ALL_PERMISSIONS } from '../core/server/permissions';
import { parseArgs, ParsedArgs, UsageError } from './args';

export const SERVE_USAGE = `ferry serve [ROOT] [options]
  --config FILE          mini_ftpd.conf to read (default: ./mini_ftpd.conf when present)
  --host ADDR            listen address (default 127.0.0.1)
  --port N               listen port (default 2121)
  --user NAME:PASSWORD   add a user with all permissions (repeatable; hashed in memory)
  --anonymous            allow anonymous read-only logins
  --allow-fxp            allow FXP (foreign data addresses)
  --tls                  offer explicit FTPS (AUTH TLS)
  --set KEY=VALUE        set any mini_ftpd.conf key (repeatable)
  --state-dir DIR        where a generated TLS certificate is kept
  --verbose              log every command
  --quiet                no line per login or transfer (failed transfers are still printed)`;

const SERVE_OPTIONS = {
  config: { value: true },
  host: { value: true },
  port: { value: true },
  user: { value: true, repeat: true },
  anonymous: {},
  'allow-fxp': {},
  tls: {},
  set: { value: true, repeat: true },
  'state-dir': { value: true },
  verbose: {},
  quiet: {},
};

/** The tunables: mini_ftpd.conf's (or the defaults), then the flags, then each --set, later ones winning. */
function serveTunables(args: ParsedArgs, config: ParsedConfig | undefined): Tunables {
  const opt = (name: string) => args.options.get(name)?.[0];
  const flagOverrides: Override[] = [];
  const flag = (source: string, text: string) => flagOverrides.push({ source, text });
  if (opt('host')) flag('--host', `listen_address=${opt('host')}`);
  if (opt('port')) flag('--port', `listen_port=${opt('port')}`);
  if (args.options.has('anonymous')) flag('--anonymous', 'anonymous_enable=YES');
  if (args.options.has('allow-fxp')) flag('--allow-fxp', 'allow_fxp=YES');
  if (args.options.has('tls')) flag('--tls', 'ssl_enable=YES');
  return applyOverrides(config?.tunables ?? defaultTunables(), [...flagOverrides, ...(args.options.get('set') ?? [])]);
}

/** The config's users plus each --user; when nobody could log in, a one-time user whose login is printed. */
async function serveUsers(args: ParsedArgs, config: ParsedConfig | undefined, tunables: Tunables): Promise<{ users: UserAccount[]; generatedLogin?: string }> {
  const users: UserAccount[] = [...(config?.users ?? [])];
  for (const spec of args.options.get('user') ?? []) {
    const colon = spec.indexOf(':');
    if (colon <= 0) throw new UsageError('--user expects NAME:PASSWORD');
    users.push({ name: spec.slice(0, colon), passwordHash: await hashPassword(spec.slice(colon + 1)), perms: ALL_PERMISSIONS });
  }
  if (users.length > 0 || tunables.anonymous_enable) return { users };
  // Nobody could log in: make a one-time user rather than opening anonymous access.
  const password = randomBytes(9).toString('base64url');
  users.push({ name: 'ferry', passwordHash: await hashPassword(password), perms: ALL_PERMISSIONS });
  return { users, generatedLogin: `ferry / ${password}` };
}

/** Prints logins and transfers as they happen (--verbose: the whole log, --quiet: failed transfers only). */
function printEvents(server: ServerHandle, args: ParsedArgs): void {
  const verbose = args.options.has('verbose');
  // A line per login and transfer is a write(2) to the terminal or pipe each: --quiet leaves
  // them out for busy servers (failed transfers are still worth a line).
  const quiet = args.options.has('quiet') && !verbose;
  server.on('log', (line) => verbose && console.log(line));
  if (!quiet) server.on('login', (s) => console.log(`login: ${s.user} from ${s.remoteAddress}`));
  server.on('transfer-end', (t) => {
    if (!quiet || !t.ok) console.log(`${t.command} ${t.path} ${t.ok ? 'ok' : 'failed'} ${t.bytes} bytes${t.error ? ': ' + t.error : ''}`);
  });
}

/** What is served, how to log in, and which data path and confinement run. */
function printStartup(server: ServerHandle, root: string, generatedLogin: string | undefined): void {
  console.log(`serving ${root}`);
  if (generatedLogin) console.log(`login: ${generatedLogin}`);
  if (server.generatedCertificate) console.log('generated a self-signed TLS certificate');
  console.log(nativeIo ? 'data path: native (sendfile/splice)' : `data path: JavaScript (native one ${nativeIoUnavailable})`);
  console.log(
    server.unconfined
      ? `confinement: path checks only (${server.unconfined}): a local process renaming entries in the served tree while commands run could redirect them outside it`
      : 'confinement: kernel (every path resolved beneath the root with openat2)',
  );
  console.log(`listening on ${server.url.replace(/\/$/, '')}`);
}

/** Resolves once SIGINT or SIGTERM has stopped the server. */
function untilStopped(server: ServerHandle): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.log('shutting down');
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `ferry serve`: resolves when the server has been stopped by SIGINT/SIGTERM. */
export async function serveCommand(argv: string[]): Promise<void> {
  const args = parseArgs(argv, SERVE_OPTIONS);
  if (args.positional.length > 1) throw new UsageError('serve takes at most one ROOT directory');
  const root = path.resolve(args.positional[0] ?? '.');
  const configFile = args.options.get('config')?.[0] ?? (existsSync('mini_ftpd.conf') ? 'mini_ftpd.conf' : undefined);
  const config = configFile ? loadConfigFile(configFile) : undefined;
  const tunables = serveTunables(args, config);
  const { users, generatedLogin } = await serveUsers(args, config, tunables);
  const server = await startServer({ root, tunables, users, stateDir: args.options.get('state-dir')?.[0] });
  tuneHeapForServer(server);
  printEvents(server, args);
  printStartup(server, root, generatedLogin);
  await untilStopped(server);
}
