import * as net from 'node:net';
import type { CommandSpec } from '../command-table';
import { ActiveTarget, checkActiveTarget, parseEprtArgument, parsePortArgument } from '../active-target';
import { PassiveListener } from '../passive-listener';
import { plainAddress } from '../../net/address';
import { FtpReplyError, Reply } from '../../protocol/replies';
import type { Session } from '../session';

function policy(session: Session) {
  return { clientAddress: session.remoteAddress, allowFxp: session.server.tunables.allow_fxp };
}

function refuseAfterEpsvAll(session: Session): void {
  if (session.epsvAll) throw new FtpReplyError(Reply.BadSequence, 'Only EPSV is accepted after EPSV ALL.');
}

async function openPassive(session: Session): Promise<PassiveListener> {
  session.clearDataSetup();
  const t = session.server.tunables;
  const listener = await PassiveListener.open(plainAddress(session.socket.localAddress), t.pasv_min_port, t.pasv_max_port, policy(session));
  session.passive = listener;
  return listener;
}

function setActive(session: Session, target: ActiveTarget): void {
  refuseAfterEpsvAll(session);
  checkActiveTarget(target, policy(session));
  session.clearDataSetup();
  session.active = target;
}

/** PASV, or CPSV (the same, but this server will be the TLS client on that data connection). */
async function enterPassive(session: Session, cpsv: boolean): Promise<void> {
  refuseAfterEpsvAll(session);
  // pasv_address masquerades a NAT; otherwise advertise the address the client reached us on.
  const advertised = session.server.tunables.pasv_address || plainAddress(session.socket.localAddress);
  if (net.isIP(advertised) !== 4) {
    throw new FtpReplyError(Reply.CannotOpenData, 'PASV cannot express an IPv6 address: use EPSV.');
  }
  const listener = await openPassive(session);
  session.cpsvPending = cpsv;
  const hostPart = advertised.split('.').join(',');
  session.reply(Reply.EnteringPassive, `Entering Passive Mode (${hostPart},${listener.port >> 8},${listener.port & 255}).`);
}

export const dataSetupCommands: CommandSpec[] = [
  { name: 'PASV', needsAuth: true, needsArg: false, help: 'PASV', handler: (session) => enterPassive(session, false) },
  {
    name: 'CPSV',
    needsAuth: true,
    needsArg: false,
    after: { check: (s) => s.secure, text: 'CPSV needs a TLS control connection.' },
    help: 'CPSV (PASV, and this server is the TLS client on that data connection)',
    handler: (session) => enterPassive(session, true),
  },
  {
    name: 'EPSV',
    needsAuth: true,
    needsArg: 'optional',
    help: 'EPSV [1|2|ALL]',
    handler: async (session, arg) => {
      const which = arg.trim().toUpperCase();
      if (which === 'ALL') {
        session.epsvAll = true;
        return session.reply(Reply.Ok, 'EPSV ALL ok: only EPSV will be accepted from now on.');
      }
      const family = net.isIP(plainAddress(session.socket.localAddress)) === 6 ? '2' : '1';
      if (which !== '' && which !== family) {
        throw new FtpReplyError(Reply.UnsupportedNetworkProtocol, `Network protocol not supported, use (${family}).`);
      }
      const listener = await openPassive(session);
      session.reply(Reply.EnteringExtendedPassive, `Entering Extended Passive Mode (|||${listener.port}|).`);
    },
  },
  {
    name: 'PORT',
    needsAuth: true,
    needsArg: true,
    help: 'PORT h1,h2,h3,h4,p1,p2',
    handler: (session, arg) => {
      const target = parsePortArgument(arg);
      if (!target) throw new FtpReplyError(Reply.ArgumentSyntaxError, 'Syntax: PORT h1,h2,h3,h4,p1,p2');
      setActive(session, target);
      session.reply(Reply.Ok, 'PORT command successful. Consider using PASV.');
    },
  },
  {
    name: 'EPRT',
    needsAuth: true,
    needsArg: true,
    help: 'EPRT |proto|address|port|',
    handler: (session, arg) => {
      const target = parseEprtArgument(arg.trim());
      if (!target) throw new FtpReplyError(Reply.ArgumentSyntaxError, 'Syntax: EPRT |1|address|port| or |2|address|port|');
      if ('unsupported' in target) throw new FtpReplyError(Reply.UnsupportedNetworkProtocol, 'Network protocol not supported, use (1,2).');
      setActive(session, target);
      session.reply(Reply.Ok, 'EPRT command successful.');
    },
  },
];
