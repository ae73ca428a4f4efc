import { FTPContext } from 'basic-ftp';
import { NameCodec, NameEncodingError } from './name-codec';

/**
 * Puts a NameCodec on basic-ftp's control connection. Written against basic-ftp 6.2.3
 * (dist/FtpContext.js), whose control socket runs with a Node encoding (socket.setEncoding),
 * and Node knows no GBK, Big5 or Shift_JIS. So:
 * - the socket runs `latin1`: one character per byte both ways, every byte kept;
 * - `send(command)` is wrapped: the Unicode command becomes the codec's bytes, handed on as a
 *   latin1 string (basic-ftp writes it with `this.encoding`); its log line shows the Unicode;
 * - `_onControlSocketData(chunk)` is wrapped: the socket's 'data' listener calls it by name
 *   (`data => this._onControlSocketData(data)`), also on the socket a TLS upgrade sets, so the
 *   instance's own property sees every chunk. The text after the last LF is held back (a
 *   character's bytes may be split between chunks); complete lines are decoded and passed on,
 *   where basic-ftp's `_partialResponse` joins multi-line replies as before.
 */
type PatchableContext = {
  send(command: string): void;
  _onControlSocketData(chunk: string): void;
  log(message: string): void;
  socket: unknown;
};

const PATCHED_METHODS = ['send', '_onControlSocketData', 'log'] as const;
// At load time, so a basic-ftp update that renames them fails loudly, not with garbled names.
for (const method of PATCHED_METHODS) {
  if (typeof (FTPContext.prototype as unknown as Record<string, unknown>)[method] !== 'function') {
    throw new Error(`basic-ftp's FTPContext has no ${method}(): control-codec.ts was written for basic-ftp 6.2.3 and must be updated`);
  }
}

/** basic-ftp's limit on one control response, kept for the text held back here as well. */
const MAX_HELD = 2 ** 16;

/** Applies `codec` to every command sent and every reply read on `ftp`'s control connection. */
export function applyNameCodec(ftp: FTPContext, codec: NameCodec): void {
  const context = ftp as unknown as PatchableContext;
  ftp.encoding = 'latin1';
  const send = context.send.bind(context);
  const receive = context._onControlSocketData.bind(context);
  let held = '';
  let heldFrom: unknown;

  context.send = (command: string) => {
    let wire: string;
    try {
      wire = codec.encode(command).toString('latin1');
    } catch (err) {
      // Never show a password's characters in an error.
      if (err instanceof NameEncodingError && /^(PASS|ACCT) /i.test(command)) throw new NameEncodingError(undefined, err.encoding, err.context);
      throw err;
    }
    if (wire === command) return send(command);
    const log = context.log;
    context.log = (message: string) => log.call(context, message === `> ${wire}` ? `> ${command}` : message);
    try {
      send(wire);
    } finally {
      context.log = log;
    }
  };

  context._onControlSocketData = (chunk: string) => {
    // A new control socket (reconnect) starts with nothing held, as basic-ftp resets _partialResponse.
    if (heldFrom !== context.socket) held = '';
    heldFrom = context.socket;
    const text = held + chunk;
    const cut = text.length > MAX_HELD ? text.length : text.lastIndexOf('\n') + 1;
    held = text.slice(cut);
    if (cut > 0) receive(codec.decode(Buffer.from(text.slice(0, cut), 'latin1')));
  };
}
