import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createReadStream } from 'node:fs';
import * as zlib from 'node:zlib';
import type { CommandSpec } from '../command-table';
import { FtpReplyError, Reply } from '../../protocol/replies';
import { onDisk, openRegularFile } from './files';

/**
 * HASH (draft-bryan-ftpext-hash-02): a file's digest over the control connection, so clients
 * and FXP can verify a copy without downloading it. OPTS HASH selects the algorithm per session.
 */
export const HASH_ALGORITHMS = ['SHA-256', 'SHA-1', 'MD5', 'CRC32'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

const NODE_NAMES: Record<HashAlgorithm, string> = { 'SHA-256': 'sha256', 'SHA-1': 'sha1', MD5: 'md5', CRC32: 'crc32' };

/** Digests an open file from its start; closes the descriptor when done. */
function digestFile(fd: number, algorithm: HashAlgorithm): Promise<string> {
  return new Promise((resolve, reject) => {
    const stream = createReadStream('', { fd, highWaterMark: 1 << 20, start: 0 });
    let crc = 0;
    const hash = algorithm === 'CRC32' ? undefined : createHash(NODE_NAMES[algorithm]);
    stream.on('data', (chunk) => (hash ? hash.update(chunk) : (crc = zlib.crc32(chunk as Buffer, crc))));
    stream.on('end', () => resolve(hash ? hash.digest('hex') : crc.toString(16).padStart(8, '0')));
    stream.on('error', reject);
  });
}

/** FEAT line: the selected algorithm carries the "*". */
export function hashFeature(selected: HashAlgorithm): string {
  return ` HASH ${HASH_ALGORITHMS.map((a) => (a === selected ? `${a}*` : a)).join(';')}`;
}

/** OPTS HASH [algorithm]: shows or selects the session's algorithm. */
export function optsHash(selected: HashAlgorithm, value: string): { algorithm: HashAlgorithm; text: string } {
  if (value === '') return { algorithm: selected, text: selected };
  const wanted = HASH_ALGORITHMS.find((a) => a === value.toUpperCase());
  if (!wanted) throw new FtpReplyError(Reply.ArgumentSyntaxError, `Unknown hash algorithm ${value}; offered: ${HASH_ALGORITHMS.join(', ')}.`);
  return { algorithm: wanted, text: wanted };
}

export const hashCommands: CommandSpec[] = [
  {
    name: 'HASH',
    needsAuth: true,
    needsArg: true,
    perm: 'r',
    help: 'HASH <path> (algorithm from OPTS HASH; default SHA-256)',
    handler: async (session, arg) => {
      // Read through the descriptor that was checked: no second resolution of the path.
      const { target, st, fd } = await openRegularFile(session, arg, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const digest = await onDisk(target.virtual, () => digestFile(fd, session.hashAlgorithm));
      session.reply(Reply.FileStatus, `${session.hashAlgorithm} 0-${st.size} ${digest} ${target.virtual}`);
    },
  },
];
