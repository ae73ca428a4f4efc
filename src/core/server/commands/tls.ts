import type * as tls from 'node:tls';
import type { CommandSpec } from '../command-table';
import { reportTlsErrors } from '../data-tls';
import { FtpReplyError, Reply } from '../../protocol/replies';
import { tlsLogText } from '../../data/tls-errors';
import { controlTlsContext } from '../tls-session';

/** RFC 4217 explicit FTPS: AUTH TLS, PBSZ, PROT; CCC is refused (it would expose later commands). */
export const tlsCommands: CommandSpec[] = [
  {
    name: 'AUTH',
    needsAuth: false,
    needsArg: true,
    help: 'AUTH TLS',
    handler: (session, arg) => {
      const context = session.server.tlsContext;
      if (!context) throw new FtpReplyError(Reply.PolicyDenied, 'TLS is not enabled on this server (ssl_enable = NO).');
      const mechanism = arg.trim().toUpperCase();
      if (mechanism !== 'TLS' && mechanism !== 'TLS-C' && mechanism !== 'SSL') throw new FtpReplyError(Reply.NotImplementedForParameter, `AUTH ${arg} is not supported, use AUTH TLS.`);
      if (session.secure) throw new FtpReplyError(Reply.BadSequence, 'Already using TLS.');
      const own = controlTlsContext(session, context);
      session.reply(Reply.AuthAccepted, 'Proceed with TLS negotiation.');
      // RFC 4217 §4: the security exchange resets the login state.
      session.user = undefined;
      session.pendingUser = undefined;
      session.upgradeToTls(own);
      // A TLS error (in the handshake or a corrupted record later) closes the session, as it
      // has no TLS left to reply on; the log says why in full, replies never carry OpenSSL's text.
      reportTlsErrors(session.socket as tls.TLSSocket).once('error', (err: Error) => session.server.emit('log', `[${session.id}] TLS control connection failed: ${tlsLogText(err)}`));
    },
  },
  {
    name: 'PBSZ',
    needsAuth: false,
    needsArg: true,
    after: { check: (s) => s.secure, text: 'PBSZ needs a TLS control connection (AUTH TLS first).' },
    help: 'PBSZ 0',
    handler: (session) => {
      session.pbszDone = true;
      session.reply(Reply.Ok, 'PBSZ=0');
    },
  },
  {
    name: 'PROT',
    needsAuth: false,
    needsArg: true,
    after: { check: (s) => s.pbszDone, text: 'Send PBSZ before PROT.' },
    help: 'PROT C|P',
    handler: (session, arg) => {
      const level = arg.trim().toUpperCase();
      if (level === 'P') session.protectData = true;
      else if (level === 'C') {
        if (session.server.tunables.force_tls) throw new FtpReplyError(Reply.ProtectionLevelNotSupported, 'PROT C refused: data must be encrypted (force_tls).');
        session.protectData = false;
      } else throw new FtpReplyError(Reply.ProtectionLevelNotSupported, `PROT ${level} is not supported, use C or P.`);
      session.reply(Reply.Ok, `Protection level set to ${level === 'P' ? 'Private' : 'Clear'}.`);
    },
  },
  {
    name: 'SSCN',
    needsAuth: true,
    needsArg: 'optional',
    after: { check: (s) => s.secure, text: 'SSCN needs a TLS control connection.' },
    help: 'SSCN [ON|OFF] (ON: this server is the TLS client on data connections, for TLS FXP)',
    handler: (session, arg) => {
      const value = arg.trim().toUpperCase();
      if (value === 'ON') session.sscnClient = true;
      else if (value === 'OFF') session.sscnClient = false;
      else if (value !== '') throw new FtpReplyError(Reply.ArgumentSyntaxError, 'Syntax: SSCN [ON|OFF]');
      session.reply(Reply.Ok, `SSCN:${session.sscnClient ? 'CLIENT' : 'SERVER'} METHOD`);
    },
  },
  {
    name: 'CCC',
    needsAuth: false,
    needsArg: false,
    help: 'CCC (refused)',
    handler: () => {
      throw new FtpReplyError(Reply.PolicyDenied, 'CCC refused: the control connection stays encrypted.');
    },
  },
];
