import { decodeName } from './name-bytes';

/**
 * Splits the control stream into command lines across TCP chunks. Telnet IAC sequences are
 * removed (RFC 959 §4.1.3: clients send IAC IP IAC DM before ABOR; IAC IAC is a literal
 * 0xFF), and a line longer than the cap is reported once and skipped up to its end, its bytes
 * dropped as they come. Lines are cut one at a time, when the session asks for the next: what
 * it has no room for stays as raw bytes here (at most what one read delivered), and the session
 * stops reading the socket meanwhile, so a client that pipelines faster than it reads replies
 * leaves its input in the kernel's receive buffer.
 *
 * ABOR, STAT and QUIT may also end at a bare CR: a client that sends them as TCP urgent data
 * (Python's ftplib sends "ABOR\r\n" with MSG_OOB) loses the LF, the urgent byte, to the kernel
 * when the socket does not have SO_OOBINLINE (the JavaScript path; the addon sets it). A LF
 * that comes after all the same is dropped.
 */
const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const DONT = 0xfe;
const EMPTY = Buffer.alloc(0);

export const MAX_COMMAND_LINE = 4096;
/** Commands taken at a trailing CR with nothing after it (see the class comment). */
const URGENT_COMMAND = /^(?:\xff[\xf0-\xff]?)*\s*(ABOR|STAT|QUIT)\b/i;

export type ParsedLine = { line: string } | { tooLong: true };

export class ControlParser {
  private data: Buffer = EMPTY;
  private offset = 0;
  private discarding = false;
  /** The last line ended at a bare CR: a LF right after it belongs to it. */
  private cutAtCr = false;

  /** Feeds a chunk; its lines come out of next(). */
  push(chunk: Buffer): void {
    this.data = this.offset < this.data.length ? Buffer.concat([this.data.subarray(this.offset), chunk]) : chunk;
    this.offset = 0;
  }

  /** The next complete line (without CR/LF, IAC removed; bytes that are not UTF-8 kept, see name-bytes.ts), or undefined until more bytes come. */
  next(): ParsedLine | undefined {
    for (;;) {
      if (this.cutAtCr && this.offset < this.data.length) {
        if (this.data[this.offset] === 0x0a) this.offset++;
        this.cutAtCr = false;
      }
      const start = this.offset;
      const nl = this.data.indexOf(0x0a, start);
      if (nl < 0) return this.keepPartial();
      this.offset = nl + 1;
      if (this.discarding) this.discarding = false;
      else if (nl - start > MAX_COMMAND_LINE) return { tooLong: true };
      else return { line: decodeLine(this.data.subarray(start, nl)) };
    }
  }

  /** Keeps an unfinished line, or drops an overlong one (reported once, the first time). */
  private keepPartial(): ParsedLine | undefined {
    const rest = this.data.length - this.offset;
    const cut = this.urgentLine(rest);
    if (cut) return cut;
    const overlong = rest > MAX_COMMAND_LINE && !this.discarding;
    if (overlong) this.discarding = true;
    if (this.discarding || rest === 0) this.data = EMPTY;
    // A copy, so the rest of the read's chunk can be collected.
    else if (this.offset > 0) this.data = Buffer.from(this.data.subarray(this.offset));
    this.offset = 0;
    return overlong ? { tooLong: true } : undefined;
  }

  /** The rest as a line when it is an urgent-mode command cut at its CR (see the class comment). */
  private urgentLine(rest: number): ParsedLine | undefined {
    if (this.discarding || rest < 2 || rest > MAX_COMMAND_LINE || this.data[this.data.length - 1] !== 0x0d) return undefined;
    const bytes = this.data.subarray(this.offset);
    if (!URGENT_COMMAND.test(bytes.toString('latin1'))) return undefined;
    this.data = EMPTY;
    this.offset = 0;
    this.cutAtCr = true;
    return { line: decodeLine(bytes) };
  }
}

function decodeLine(bytes: Buffer): string {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === 0x0d) end--;
  if (bytes.indexOf(IAC) < 0) return decodeName(bytes.subarray(0, end));
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
  return decodeName(Buffer.from(clean));
}
