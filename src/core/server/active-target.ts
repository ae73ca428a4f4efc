import * as net from 'node:net';
import { plainAddress } from '../net/address';
import { ConnectFailure, connectWithTimeout } from '../net/connect';
import { nativeIo } from '../native/native-io';
import { FtpReplyError, Reply } from '../protocol/replies';
import { DataChannelPolicy } from './data-connection';

/** Target of an active (PORT/EPRT) data connection. */
export interface ActiveTarget {
  host: string;
  port: number;
}

/**
 * Refuses PORT/EPRT targets that would make this server attack a third party (RFC 2577
 * "bounce"): another address than the client's, or a privileged port. FXP lifts both.
 */
export function checkActiveTarget(target: ActiveTarget, policy: DataChannelPolicy): void {
  if (policy.allowFxp) return;
  if (plainAddress(target.host) !== policy.clientAddress) {
    throw new FtpReplyError(Reply.NotImplementedForParameter, `Refusing data connection to foreign address ${target.host} (FXP is disabled on this server).`);
  }
  if (target.port < 1024) throw new FtpReplyError(Reply.NotImplementedForParameter, `Refusing data connection to privileged port ${target.port}.`);
}

/** Connects to an active target within `timeoutMs` (connect_timeout). */
export async function connectActive(target: ActiveTarget, localAddress: string, timeoutMs: number): Promise<net.Socket> {
  try {
    return await connectWithTimeout(target.host, target.port, localAddress, timeoutMs, nativeIo !== undefined);
  } catch (err) {
    const failure = err as ConnectFailure;
    const message = failure.timedOut
      ? `Could not connect to ${target.host}:${target.port} within ${Math.round(timeoutMs / 1000)} s (connect_timeout).`
      : `Could not connect to ${target.host}:${target.port}: ${failure.message}.`;
    throw new FtpReplyError(Reply.CannotOpenData, message);
  }
}

/** PORT argument "h1,h2,h3,h4,p1,p2" (RFC 959 §4.1.2). */
export function parsePortArgument(arg: string): ActiveTarget | undefined {
  const parts = arg.split(',').map((p) => p.trim());
  if (parts.length !== 6 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const n = parts.map(Number);
  if (n.some((v) => v > 255)) return undefined;
  const port = n[4] * 256 + n[5];
  return port === 0 ? undefined : { host: n.slice(0, 4).join('.'), port };
}

/** EPRT argument "|proto|address|port|" with any delimiter (RFC 2428 §2). */
export function parseEprtArgument(arg: string): ActiveTarget | { unsupported: true } | undefined {
  const delimiter = arg[0];
  if (!delimiter || delimiter.charCodeAt(0) < 33 || delimiter.charCodeAt(0) > 126) return undefined;
  const parts = arg.split(delimiter);
  if (parts.length !== 5 || parts[0] !== '' || parts[4] !== '') return undefined;
  const [, proto, host, portText] = parts;
  if (proto !== '1' && proto !== '2') return { unsupported: true };
  if (net.isIP(host) !== (proto === '1' ? 4 : 6) || !/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port > 0 && port < 65536 ? { host, port } : undefined;
}
