import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes for mini_ftpd.conf: `scrypt$N$r$p$salt$hash` (salt and hash in base64).
 * scrypt with N=2^15, r=8 costs tens of milliseconds and 32 MiB per guess, which is the point.
 */
const DEFAULT_COST = { N: 1 << 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

const load = { running: 0, peak: 0 };

/** scrypt computations running in the thread pool now, and the most there ever were at once (tests and diagnostics). */
export function scryptLoad(): { running: number; peak: number } {
  return { ...load };
}

/** Starts a new peak from what runs now, so a test measures its own load, not earlier tests'. */
export function resetScryptPeak(): void {
  load.peak = load.running;
}

function scryptAsync(password: string, salt: Buffer, cost: { N: number; r: number; p: number }, length: number): Promise<Buffer> {
  load.running++;
  load.peak = Math.max(load.peak, load.running);
  return new Promise<Buffer>((resolve, reject) => {
    // maxmem must cover 128 * N * r bytes, or Node refuses the parameters.
    scrypt(password, salt, length, { ...cost, maxmem: 256 * cost.N * cost.r }, (err, key) => (err ? reject(err) : resolve(key)));
  }).finally(() => load.running--);
}

export function parsePasswordHash(text: string): ParsedHash | undefined {
  const m = HASH_PATTERN.exec(text);
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // N must be a power of two above 1; cap the cost so a hostile config cannot exhaust memory.
  if (N < 2 || (N & (N - 1)) !== 0 || N > 1 << 20 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  return { N, r, p, salt: Buffer.from(m[4], 'base64'), key: Buffer.from(m[5], 'base64') };
}

/** Hashes a password into the `scrypt$...` form `ferry hash-password` prints. */
export async function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, cost, KEY_LENGTH);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Full-cost verification of `password` against a stored hash. */
export async function verifyPassword(password: string, hash: ParsedHash): Promise<boolean> {
  const key = await scryptAsync(password, hash.salt, hash, hash.key.length);
  return timingSafeEqual(key, hash.key);
}

/**
 * Remembers passwords that verified, as HMACs under a per-process random key, so a repeat
 * login with the same good password costs one HMAC instead of a full scrypt. A wrong
 * password never matches an entry and always pays the full cost. Nothing here is persisted.
 */
export class VerifiedPasswordCache {
  private readonly secret = randomBytes(32);
  private readonly entries = new Map<string, Buffer>();

  constructor(private readonly capacity = 10_000) {}

  private digest(password: string): Buffer {
    return createHmac('sha256', this.secret).update(password).digest();
  }

  /** Keyed digest of a password, for in-memory lookups that must not hold the password itself. */
  fingerprint(password: string): string {
    return this.digest(password).toString('base64');
  }

  /** True when `password` is the one that last verified for this (user, stored hash) pair. */
  matches(cacheKey: string, password: string): boolean {
    const known = this.entries.get(cacheKey);
    return known !== undefined && timingSafeEqual(known, this.digest(password));
  }

  remember(cacheKey: string, password: string): void {
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(cacheKey, this.digest(password));
  }
}
