import type { CommandSpec } from '../command-table';
import { FtpReplyError, Reply } from '../replies';
import { RootedFs } from '../rooted-fs';
import type { Session } from '../session';

const MAX_FAIL_DELAY_MS = 8000;

function requireTlsIfForced(session: Session): void {
  if (session.server.tunables.force_tls && !session.secure) {
    throw new FtpReplyError(Reply.NotLoggedIn, 'This server requires TLS: send AUTH TLS before logging in (force_tls).');
  }
}

async function pass(session: Session, password: string): Promise<void> {
  requireTlsIfForced(session);
  const name = session.pendingUser!;
  session.pendingUser = undefined;
  const { authorizer, tunables } = session.server;
  const user = await authorizer.authenticate(name, password);
  if (session.isClosed) return;
  if (!user) {
    session.loginFailures++;
    // Growing delay before the answer slows guessing; the hash cost was paid already.
    const delay = Math.min(tunables.login_fail_delay_ms * 2 ** (session.loginFailures - 1), MAX_FAIL_DELAY_MS);
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (session.loginFailures >= tunables.max_login_fails) {
      session.reply(Reply.ServiceUnavailable, `Too many failed logins (${session.loginFailures}), closing connection.`);
      session.close();
      return;
    }
    throw new FtpReplyError(Reply.NotLoggedIn, 'Login incorrect.');
  }
  let fs: RootedFs;
  try {
    fs = await RootedFs.open(user.root);
  } catch (err) {
    throw new FtpReplyError(Reply.NotLoggedIn, `Login refused: the home directory is not available (${(err as Error).message}).`);
  }
  session.user = user;
  session.fs = fs;
  session.cwd = '/';
  session.server.emit('login', session.info());
  session.reply(Reply.LoggedIn, user.anonymous ? 'Anonymous login ok, access restrictions apply.' : `User ${user.name} logged in.`);
}

export const authCommands: CommandSpec[] = [
  {
    name: 'USER',
    needsAuth: false,
    needsArg: true,
    help: 'USER <name>',
    handler: (session, name) => {
      requireTlsIfForced(session);
      // A new USER logs the session out first (RFC 959 allows changing user at any time).
      session.user = undefined;
      session.fs = undefined;
      session.pendingUser = name;
      const anonymous = session.server.authorizer.isAnonymousName(name);
      session.reply(Reply.NeedPassword, anonymous ? 'Anonymous login ok, send your e-mail address as password.' : `Password required for ${name}.`);
    },
  },
  {
    name: 'PASS',
    needsAuth: false,
    needsArg: 'optional',
    after: { check: (s) => s.pendingUser !== undefined, text: 'Send USER first.' },
    help: 'PASS <password>',
    handler: pass,
  },
  {
    name: 'QUIT',
    needsAuth: false,
    needsArg: false,
    help: 'QUIT',
    handler: (session) => {
      session.reply(Reply.Goodbye, 'Goodbye.');
      session.close();
    },
  },
];
