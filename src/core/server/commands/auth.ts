import type { AuthorizedUser } from '../authorizer';
import type { CommandSpec } from '../command-table';
import { bannedText, loginSource } from '../login-guard';
import { FtpReplyError, Reply } from '../../protocol/replies';
import { RootedFs } from '../rooted-fs';
import type { Session } from '../session';
import { VerificationBusyError } from '../verification-gate';

function requireTlsIfForced(session: Session): void {
  if (session.server.tunables.force_tls && !session.secure) {
    throw new FtpReplyError(Reply.NotLoggedIn, 'This server requires TLS: send AUTH TLS before logging in (force_tls).');
  }
}

/** Answers 421 and closes: the session may not try again on this connection. */
function refuse(session: Session, text: string): void {
  session.reply(Reply.ServiceUnavailable, text);
  session.close();
}

/** True (after refusing) when the client's address is banned for failed logins (login-guard.ts). */
function refusedAsBanned(session: Session): boolean {
  const left = session.server.loginGuard.banSecondsLeft(session.remoteAddress);
  if (left > 0) refuse(session, bannedText(left));
  return left > 0;
}

/**
 * Counts a failed login, waits the growing delay, then answers 530 — or 421 when this failure
 * banned the address (at once: the ban is the answer, and a delay longer than login_ban_time
 * would otherwise let the 530 through after the ban ended) or used up max_login_fails.
 */
async function failLogin(session: Session): Promise<void> {
  const { loginGuard, tunables } = session.server;
  session.loginFailures++;
  const { delayMs, banned } = loginGuard.recordFailure(session.remoteAddress, session.loginFailures);
  if (banned) return refuse(session, bannedText(Math.max(1, loginGuard.banSecondsLeft(session.remoteAddress))));
  // The delay slows guessing from every connection of the address; the hash cost was paid already.
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  if (session.isClosed || refusedAsBanned(session)) return;
  if (session.loginFailures >= tunables.max_login_fails) {
    return refuse(session, `Too many failed logins (${session.loginFailures}), closing connection.`);
  }
  throw new FtpReplyError(Reply.NotLoggedIn, 'Login incorrect.');
}

async function pass(session: Session, password: string): Promise<void> {
  requireTlsIfForced(session);
  const name = session.pendingUser!;
  session.pendingUser = undefined;
  if (refusedAsBanned(session)) return;
  let user: AuthorizedUser | undefined;
  try {
    user = await session.server.authorizer.authenticate(name, password, loginSource(session.remoteAddress));
  } catch (err) {
    if (err instanceof VerificationBusyError) return refuse(session, err.message);
    throw err;
  }
  // Another connection of this address may have set a ban while the password was being checked.
  if (session.isClosed || refusedAsBanned(session)) return;
  if (!user) return failLogin(session);
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
      if (refusedAsBanned(session)) return;
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
