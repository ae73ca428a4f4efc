/** Deterministic generation of FTP command lines for bounded fuzz runs. */

/** mulberry32: a tiny seeded PRNG, so a failing fuzz run can be replayed exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const int = (rng: Rng, max: number): number => Math.floor(rng() * max);

const NAMES = ['a', 'b c', 'dir', '.hidden', 'données', '文件', '..', '.', '/', '//', '../..', 'x/../y', '-la', '*', '~', '%2e%2e', '\\..\\', 'f.txt', 'dir/f.txt', ''];

function randomPath(rng: Rng): string {
  const parts: string[] = [];
  for (let i = 0, n = 1 + int(rng, 4); i < n; i++) parts.push(pick(rng, NAMES));
  return (rng() < 0.3 ? '/' : '') + parts.join('/');
}

/** Command words with argument makers. Data setup commands are left out: see `isDataSetup`. */
const VOCABULARY: [string, (rng: Rng) => string][] = [
  ['USER', (r) => pick(r, ['tester', 'anonymous', 'nobody', '', 'tester tester'])],
  ['PASS', (r) => pick(r, ['secret', 'wrong', '', 'secret '])],
  ['PWD', () => ''],
  ['XPWD', () => ''],
  ['CWD', randomPath],
  ['CDUP', () => ''],
  ['MKD', randomPath],
  ['RMD', randomPath],
  ['DELE', randomPath],
  ['SIZE', randomPath],
  ['MDTM', randomPath],
  ['MFMT', (r) => `${pick(r, ['20200101000000', '99999999999999', '2020', 'x'])} ${randomPath(r)}`],
  ['RNFR', randomPath],
  ['RNTO', randomPath],
  ['SITE', (r) => pick(r, ['CHMOD 755 ', 'CHMOD 644 ', 'CHMOD 7777 ', 'CHMOD x ', 'UMASK ', 'UMASK 022', 'HELP', 'BOGUS ', '']) + randomPath(r)],
  ['CHMOD', (r) => `${pick(r, ['700', '600', '1', ''])} ${randomPath(r)}`],
  ['TYPE', (r) => pick(r, ['A', 'I', 'E', 'L 8', 'A N', ''])],
  ['MODE', (r) => pick(r, ['S', 'B', ''])],
  ['STRU', (r) => pick(r, ['F', 'R', ''])],
  ['SYST', () => ''],
  ['FEAT', () => ''],
  ['OPTS', (r) => pick(r, ['UTF8 ON', 'UTF8 OFF', 'MLST type;size;', 'MLST ', 'MLST bogus;', 'X'])],
  ['STAT', (r) => (r() < 0.5 ? '' : randomPath(r))],
  ['NOOP', () => ''],
  ['HELP', (r) => pick(r, ['', 'CWD', 'XPWD', 'BOGUS', 'SITE CHMOD'])],
  ['ALLO', (r) => String(int(r, 1e6))],
  ['MLST', randomPath],
  ['LIST', randomPath],
  ['NLST', randomPath],
  ['MLSD', randomPath],
  ['RETR', randomPath],
  ['STOR', randomPath],
  ['APPE', randomPath],
  ['REST', (r) => pick(r, ['0', '100', '-1', 'abc', '999999999999999999'])],
  ['ABOR', () => ''],
  ['AUTH', (r) => pick(r, ['TLS', 'SSL', 'X'])],
  ['PBSZ', () => '0'],
  ['PROT', (r) => pick(r, ['P', 'C', 'X'])],
  ['CCC', () => ''],
  ['QUIT', () => ''],
  ['BOGUS', randomPath],
];

const NASTY_BYTES = [0x00, 0x0d, 0xff, 0xfe, 0xfb, 0xfa, 0xf0, 0xf4, 0xf2, 0x80, 0xc3, 0xe6, 0x20, 0x2f, 0x2e, 0x25, 0x5c];

function mutate(rng: Rng, line: Buffer): Buffer {
  const bytes = [...line];
  for (let i = 0, n = 1 + int(rng, 4); i < n; i++) {
    const at = int(rng, bytes.length + 1);
    switch (int(rng, 5)) {
      case 0:
        bytes.splice(at, 0, pick(rng, NASTY_BYTES));
        break;
      case 1:
        bytes.splice(at, 1);
        break;
      case 2:
        bytes.splice(at, 0, int(rng, 256));
        break;
      case 3:
        bytes.splice(at, 0, ...Buffer.from(pick(rng, ['\xff\xf4\xff\xf2', '\xff\xff', '\xff\xfa\x18', '\xff\xf0', '\xff\xfb\x01', ' ', '../']), 'latin1'));
        break;
      default:
        if (bytes[at] !== undefined) bytes[at] = bytes[at] ^ (1 << int(rng, 8));
    }
  }
  return Buffer.from(bytes);
}

/** One random command line (without line ending; never contains LF). */
export function fuzzLine(rng: Rng): Buffer {
  const roll = rng();
  if (roll < 0.02) return Buffer.alloc(4000 + int(rng, 2000), pick(rng, [0x41, 0x2f, 0xff]));
  if (roll < 0.05) return Buffer.from(Array.from({ length: int(rng, 64) }, () => int(rng, 256)));
  const [word, arg] = pick(rng, VOCABULARY);
  const cased = rng() < 0.2 ? word.toLowerCase() : word;
  const text = arg(rng);
  let line: Buffer = Buffer.from(text === '' && rng() < 0.7 ? cased : `${cased} ${text}`, 'utf8');
  if (rng() < 0.35) line = mutate(rng, line);
  return Buffer.from(line.filter((b) => b !== 0x0a));
}

/**
 * True when a line might set up a data connection (PASV/EPSV/PORT/EPRT, even after mutation):
 * the fuzz run leaves those out so a transfer command can never wait for a connection.
 */
export function isDataSetup(line: Buffer): boolean {
  const letters = line.toString('latin1').toUpperCase().replace(/[^A-Z]/g, '');
  return /PASV|EPSV|PORT|EPRT|LPRT|LPSV/.test(letters);
}
