import { FTPError } from 'basic-ftp';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as zlib from 'node:zlib';
import type { FtpConnection } from './connection';

/** A hash both sides can compute: the algorithm name as our code knows it and its hex digest. */
export interface RemoteHash {
  algorithm: 'sha256' | 'sha1' | 'md5' | 'crc32';
  hex: string;
}

const HASH_NAMES: [string, RemoteHash['algorithm']][] = [
  ['SHA-256', 'sha256'],
  ['SHA-1', 'sha1'],
  ['MD5', 'md5'],
  ['CRC32', 'crc32'],
];
const LEGACY: [string, RemoteHash['algorithm']][] = [
  ['XSHA256', 'sha256'],
  ['XSHA1', 'sha1'],
  ['XMD5', 'md5'],
  ['XCRC', 'crc32'],
];

/** Extracts the hex digest from a HASH/XSHA/XCRC reply ("213 SHA-256 0-99 abcd... name", "250 ABCD"). */
function digestFrom(message: string, length: number): string | undefined {
  const m = message.match(new RegExp(`\\b[0-9a-fA-F]{${length}}\\b`));
  return m?.[0].toLowerCase();
}

const HEX_LENGTH = { sha256: 64, sha1: 40, md5: 32, crc32: 8 };

/**
 * Asks the server for a hash of `remotePath` with the strongest algorithm it offers
 * (HASH per draft-bryan-ftpext-hash, else XSHA256/XSHA1/XMD5/XCRC); undefined when it offers none.
 */
export async function remoteHash(conn: FtpConnection, remotePath: string): Promise<RemoteHash | undefined> {
  const caps = conn.capabilities;
  try {
    for (const [name, algorithm] of HASH_NAMES) {
      if (!caps.hash.includes(name)) continue;
      await conn.client.send(`OPTS HASH ${name}`);
      const hex = digestFrom((await conn.client.send(`HASH ${remotePath}`)).message, HEX_LENGTH[algorithm]);
      if (hex) return { algorithm, hex };
    }
    for (const [command, algorithm] of LEGACY) {
      if (!caps.legacyHashes.includes(command)) continue;
      const hex = digestFrom((await conn.client.send(`${command} ${remotePath}`)).message, HEX_LENGTH[algorithm]);
      if (hex) return { algorithm, hex };
    }
  } catch (err) {
    if (!(err instanceof FTPError)) throw err;
  }
  return undefined;
}

/** Hash of a local file (or of its first `length` bytes) with the same algorithm. */
export function localHash(file: string, algorithm: RemoteHash['algorithm'], length?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream(file, length !== undefined ? { end: length - 1 } : {});
    if (algorithm === 'crc32') {
      let crc = 0;
      stream.on('data', (d) => (crc = zlib.crc32(d as Buffer, crc)));
      stream.on('end', () => resolve(crc.toString(16).padStart(8, '0')));
    } else {
      const hash = createHash(algorithm);
      stream.on('data', (d) => hash.update(d));
      stream.on('end', () => resolve(hash.digest('hex')));
    }
    stream.on('error', reject);
  });
}
