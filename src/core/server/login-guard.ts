import * as net from 'node:net';
import type { Tunables } from './tunables';

/** Longest delay before a 530 for a failed login, however many failures came before. */
export const MAX_FAIL_DELAY_MS = 8000;
/** Addresses remembered at most; the least recently failing one is forgotten first. */
const DEFAULT_CAPACITY = 10_000;

type GuardTunables = Pick<Tunables, 'login_fail_delay_ms' | 'max_login_fails_per_ip' | 'login_fail_window' | 'login_ban_time'>;

interface SourceRecord {
  failures: number;
  lastFailure: number;
  bannedUntil: number;
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail becomes the last two). */
function ipv6Groups(address: string): number[] {
  const expand = (part: string): number[] =>
    part
      ? part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const [a, b, c, d] = g.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        })
      : [];
  const [head, tail] = address.split('%')[0].split('::');
  const front = expand(head);
  if (tail === undefined) return front;
  const back = expand(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * What failed logins are counted by: the IPv4 address, or the /64 of an IPv6 address. One IPv6
 * host usually owns a whole /64 (SLAAC, RFC 4291 §2.5.1), so counting single addresses would
 * give a guesser 2^64 fresh counters — and would let it flood the table. An IPv4-mapped address
 * (::ffff:1.2.3.4, RFC 4291 §2.5.5.2, what a dual-stack listener reports for IPv4 clients) is
 * its IPv4 address: as a /64 every IPv4 client would share one counter, and one guesser would
 * ban them all.
 */
export function loginSource(address: string): string {
  if (net.isIP(address) !== 6) return address;
  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The 421 text for a banned address (on connect, USER, PASS and the failure that set the ban). */
export function bannedText(secondsLeft: number): string {
  return `Too many failed logins from your address (max_login_fails_per_ip): refused for ${secondsLeft} s more, closing connection.`;
}

/**
 * Failed logins per source address, across all of its connections (the per-connection count,
 * max_login_fails, alone let one address make 15-24 guesses a second with 40 connections):
 * each failure grows the delay before its 530, and max_login_fails_per_ip failures ban the
 * source for login_ban_time (fail2ban's maxretry/bantime, built in). Successful logins are
 * neither delayed nor counted, nor do they clear a count (an anonymous login would otherwise
 * wipe a guesser's record). Once a ban is over the address starts from zero again. Memory stays bounded: records expire once their window and ban
 * are over, and at most `capacity` are kept.
 */
export class LoginGuard {
  /** Source → record, least recently failing first. */
  private readonly records = new Map<string, SourceRecord>();

  constructor(
    private readonly tunables: GuardTunables,
    private readonly capacity = DEFAULT_CAPACITY,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds the address stays banned; 0 when it is not banned. */
  banSecondsLeft(address: string): number {
    const record = this.records.get(loginSource(address));
    const left = record ? record.bannedUntil - this.now() : 0;
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  /**
   * Counts a failed login from `address`; `connectionFailures` is the count on its connection.
   * Returns how long to wait before answering, and whether the address is now banned.
   */
  recordFailure(address: string, connectionFailures: number): { delayMs: number; banned: boolean } {
    const { login_fail_delay_ms: base, max_login_fails_per_ip: maxFails, login_fail_window: window, login_ban_time: banTime } = this.tunables;
    const now = this.now();
    const source = loginSource(address);
    const record = this.records.get(source) ?? { failures: 0, lastFailure: 0, bannedUntil: 0 };
    // A served ban, like a quiet window, starts the count again: one typo after the ban is one failure.
    const banServed = record.bannedUntil > 0 && now >= record.bannedUntil;
    if (banServed || now - record.lastFailure > window * 1000) Object.assign(record, { failures: 0, bannedUntil: 0 });
    record.failures++;
    record.lastFailure = now;
    // Failures of logins that were already being checked when the ban began do not extend it.
    if (maxFails > 0 && record.failures >= maxFails && record.bannedUntil === 0) record.bannedUntil = now + banTime * 1000;
    // Re-inserted so the Map stays ordered by last failure, oldest first.
    this.records.delete(source);
    this.records.set(source, record);
    this.forgetOld(now);
    const doublings = Math.min(Math.max(record.failures, connectionFailures) - 1, 30);
    return { delayMs: Math.min(base * 2 ** doublings, MAX_FAIL_DELAY_MS), banned: record.bannedUntil > now };
  }

  /** Records tracked now (tests check the bound). */
  get size(): number {
    return this.records.size;
  }

  /** Drops expired records from the old end, then the oldest ones beyond the capacity. */
  private forgetOld(now: number): void {
    const windowMs = this.tunables.login_fail_window * 1000;
    for (const [source, record] of this.records) {
      const expired = now - record.lastFailure > windowMs && now >= record.bannedUntil;
      if (!expired && this.records.size <= this.capacity) break;
      this.records.delete(source);
    }
  }
}
