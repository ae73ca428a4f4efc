import { FerryClientError } from '../client';

/** A server refused its part of the FXP dance (PORT to a foreign address, PASV, the transfer): relay may help. */
export class FxpRefusedError extends FerryClientError {
  constructor(
    readonly server: 'source' | 'target',
    readonly reply: string,
    host: string,
    path: string,
  ) {
    super(`the ${server} server refused FXP: ${reply}`, { operation: 'FXP copy', host, path }, 'the server does not allow server-to-server transfers; relay through this machine instead');
    this.name = 'FxpRefusedError';
  }
}

/** Neither side moved a byte for too long: both were aborted. */
export class FxpStalledError extends FerryClientError {
  constructor(seconds: number, host: string, path: string) {
    super(`no progress for ${seconds} s, both transfers aborted`, { operation: 'FXP copy', host, path }, 'one server probably refused the other\'s data connection silently; relay instead');
    this.name = 'FxpStalledError';
  }
}
