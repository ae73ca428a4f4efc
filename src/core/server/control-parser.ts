/**
 * Splits the control stream into command lines across TCP chunks. Telnet IAC sequences are
 * removed (RFC 959 §4.1.3: clients send IAC IP IAC DM before ABOR; IAC IAC is a literal
 * 0xFF), and a line longer than the cap is reported once and skipped up to its end.
 */
const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const DONT = 0xfe;

export const MAX_COMMAND_LINE = 4096;

export type ParsedLine = { line: string } | { tooLong: true };

export class ControlParser {
  private partial?: Buffer;
  private discarding = false;

  /** Feeds a chunk; returns the complete lines it finished (without CR/LF, IAC removed). */
  push(chunk: Buffer): ParsedLine[] {
    const data = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = undefined;
    const out: ParsedLine[] = [];
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      if (nl < 0) break;
      if (this.discarding) this.discarding = false;
      else if (nl - start > MAX_COMMAND_LINE) out.push({ tooLong: true });
      else out.push({ line: decodeLine(data.subarray(start, nl)) });
      start = nl + 1;
    }
    const rest = data.length - start;
    if (rest > MAX_COMMAND_LINE) {
      if (!this.discarding) out.push({ tooLong: true });
      this.discarding = true;
    } else if (rest > 0 && !this.discarding) {
      this.partial = Buffer.from(data.subarray(start));
    }
    return out;
  }
}

function decodeLine(bytes: Buffer): string {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  if (bytes.indexOf(IAC) < 0) return bytes.toString('utf8', 0, end);
  const clean: number[] = [];
  for (let i = 0; i < end; i++) {
    const b = bytes[i];
    if (b !== IAC) {
      clean.push(b);
      continue;
    }
    const next = bytes[i + 1];
    if (next === IAC) {
      clean.push(IAC);
      i++;
    } else if (next >= WILL && next <= DONT) {
      i += 2; // option negotiation carries one option byte
    } else if (next === SB) {
      const se = bytes.indexOf(SE, i + 2);
      i = se < 0 ? end : se;
    } else if (next >= SE) {
      i++; // IP, DM, AO, ... : a single command byte
    }
    // else: a lone IAC (its DM went out of band as TCP urgent data and was dropped): skip just it.
  }
  return Buffer.from(clean).toString('utf8');
}
