/**
 * The guessers of the `guess` benchmark, in a process of their own so their event loop does not
 * delay the measuring client's:
 *   node out/bench/guess-attacker.js PORT USER CONNECTIONS RAMP_MS MEASURE_MS LOCAL_ADDRESS
 * Each connection sends USER and a wrong PASS, again and again, as fast as the server answers;
 * when the server closes it (too many failures, a full verification queue, a ban) it reconnects,
 * after 100 ms if it was refused (so a refused guesser does not turn into a connection flood, a
 * different attack). Events in the MEASURE_MS after RAMP_MS are counted and printed as JSON.
 */
import * as net from 'node:net';

const [port, user, connections, rampMs, measureMs, localAddress] = process.argv.slice(2);
const startedAt = Date.now();
const windowStart = startedAt + Number(rampMs);
const deadline = windowStart + Number(measureMs);
const REFUSED_PAUSE_MS = 100;

/** What the guessers saw inside the measuring window. */
const counts = {
  /** Wrong passwords the server checked and said so (530, or max_login_fails' 421 after the failure). */
  guesses: 0,
  /** 421 after PASS: too many password checks waiting; the password was not checked. */
  busy: 0,
  /** 421 for the address's ban, at connect, USER or PASS. */
  banned: 0,
  /** Connections made. */
  connects: 0,
};
let serial = 0;

function count(key: keyof typeof counts): void {
  const now = Date.now();
  if (now >= windowStart && now < deadline) counts[key]++;
}

/** A control connection that hands out complete replies (the last line of a multi-line one). */
class Line {
  private buffer = '';
  private readonly replies: string[] = [];
  private waiter?: (reply: string | undefined) => void;
  private ended = false;

  constructor(readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl).replace(/\r$/, '');
        this.buffer = this.buffer.slice(nl + 1);
        if (/^\d{3}( |$)/.test(line)) this.replies.push(line);
      }
      this.deliver();
    });
    const end = () => {
      this.ended = true;
      this.deliver();
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  private deliver(): void {
    if (!this.waiter || (this.replies.length === 0 && !this.ended)) return;
    const w = this.waiter;
    this.waiter = undefined;
    w(this.replies.shift());
  }

  /** The next reply; undefined once the connection is gone. */
  next(): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.deliver();
    });
  }

  send(line: string): Promise<string | undefined> {
    if (!this.ended) this.socket.write(line + '\r\n');
    return this.next();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One connection's guesses; resolves true when the server refused it (pause before reconnecting). */
async function session(): Promise<boolean> {
  const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress });
  socket.setNoDelay(true);
  const c = new Line(socket);
  count('connects');
  try {
    const greeting = await c.next();
    if (!greeting?.startsWith('220')) {
      if (greeting && /your address/.test(greeting)) count('banned');
      return true;
    }
    while (Date.now() < deadline) {
      const u = await c.send(`USER ${user}`);
      if (!u?.startsWith('331')) {
        if (u && /your address/.test(u)) count('banned');
        return true;
      }
      const r = await c.send(`PASS guess-${process.pid}-${serial++}`);
      if (r === undefined) return false;
      if (/waiting for their password check/.test(r)) {
        count('busy');
        return true;
      }
      const banned = /your address/.test(r);
      // A ban's 421 says nothing about the password (a right one gets it too): not a guess.
      if (banned) count('banned');
      else if (r.startsWith('530') || r.startsWith('421')) count('guesses');
      if (!r.startsWith('530')) return banned;
    }
    return false;
  } finally {
    socket.destroy();
  }
}

async function guesser(): Promise<void> {
  while (Date.now() < deadline) {
    const refused = await session().catch(() => true);
    if (refused) await sleep(REFUSED_PAUSE_MS);
  }
}

for (let i = 0; i < Number(connections); i++) void guesser();
// Guesses still waiting for their answer at the deadline do not count; the process ends there.
setTimeout(() => {
  console.log(JSON.stringify({ ...counts, seconds: Number(measureMs) / 1000 }));
  process.exit(0);
}, deadline - Date.now());
