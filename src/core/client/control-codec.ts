import { FTPContext } from 'basic-ftp';
import { NameCodec, NameEncodingError } from './name-codec';
import { basicFtpInternals } from '../node-internals';

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

// Probed now, when the client loads: a basic-ftp that renamed them is reported at once.
const ftpInternals = basicFtpInternals(FTPContext.prototype);

/** basic-ftp's limit on one control response, kept for the text held back here as well. */
const MAX_HELD = 2 ** 16;

/**
 * Applies `codec` to every command sent and every reply read on `ftp`'s control connection.
 * Without the three methods (node-internals.ts checks them when this module loads, and says so) a UTF-8
 * codec leaves basic-ftp as it is, and any other throws rather than garble names.
 */
export function applyNameCodec(ftp: FTPContext, codec: NameCodec, internals = ftpInternals): void {
  if (!internals.has('controlHooks')) {
    if (codec.charset === 'utf8') return;
    throw new Error(`the name encoding ${codec.encoding} needs basic-ftp's FTPContext send(), _onControlSocketData() and log(), which this basic-ftp lacks (control-codec.ts was written for basic-ftp 6.2.3): set the site's encoding to utf8, or update Ferry`);
  }
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
