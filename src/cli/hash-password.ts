import { hashPassword } from '../core/server';
import { UsageError } from './args';

/** Reads all of stdin (for `echo secret | ferry hash-password`). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** `ferry hash-password [PASSWORD]`: prints an scrypt hash for a `user =` line. */
export async function hashPasswordCommand(argv: string[]): Promise<void> {
  if (argv.length > 1) throw new UsageError('hash-password takes at most one PASSWORD (or reads it from stdin)');
  const password = argv[0] ?? (await readStdin());
  if (password === '') throw new UsageError('empty password');
  console.log(await hashPassword(password));
}
