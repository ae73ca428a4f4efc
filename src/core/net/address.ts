import * as net from 'node:net';

/** Strips the IPv4-mapped IPv6 prefix so "::ffff:127.0.0.1" and "127.0.0.1" compare equal. */
export function plainAddress(address: string | undefined): string {
  if (!address) return '';
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * True for IPv4 addresses a client on another network could never reach: private ranges
 * (RFC 1918), loopback, link-local, CGNAT (RFC 6598) and 0.0.0.0. A server behind NAT puts
 * these into PASV replies; the client then connects to the control host instead.
 */
export function isUnroutableIPv4(address: string): boolean {
  if (net.isIP(address) !== 4) return false;
  const [a, b] = address.split('.').map(Number);
  return a === 0 || a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}
