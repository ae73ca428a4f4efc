import { parsePasswordHash } from '../core/server/password';
import { parseLine } from './lines';
import { USER_KEY } from './tunable-docs';

/** Where a plain-text password sits in a `user = name:PASSWORD:perms[:root]` line. */
export interface PlainPassword {
  /** 0-based [start, end) columns of the password on the line. */
  start: number;
  end: number;
  password: string;
}

/**
 * Finds a password that is not an scrypt hash in a `user =` line. Lines without the perms
 * field are left alone: hashing would not make them valid, the diagnostic says what is missing.
 */
export function findPlainPassword(raw: string): PlainPassword | undefined {
  const parsed = parseLine(raw);
  if (!parsed || parsed.key !== USER_KEY) return undefined;
  const fields = parsed.value.split(':');
  if (fields.length < 3 || fields[1] === '' || parsePasswordHash(fields[1])) return undefined;
  const start = parsed.valueColumn + fields[0].length + 1;
  return { start, end: start + fields[1].length, password: fields[1] };
}
