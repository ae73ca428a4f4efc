/**
 * Per-user permission letters, as pyftpdlib defines them:
 *   e change directory (CWD, CDUP)      l list (LIST, NLST, MLSD, MLST, STAT path, SIZE, MDTM)
 *   r retrieve (RETR)                   a append (APPE)
 *   d delete (DELE, RMD)                f rename (RNFR, RNTO)
 *   m make directory (MKD)              w store (STOR)
 *   M change mode (SITE CHMOD)          T change modification time (MFMT)
 */
export type Permission = 'e' | 'l' | 'r' | 'a' | 'd' | 'f' | 'm' | 'w' | 'M' | 'T';

export const ALL_PERMISSIONS = 'elradfmwMT';
export const READ_ONLY_PERMISSIONS = 'elr';

/** Returns an error text when `letters` holds anything but known permission letters. */
export function checkPermissionLetters(letters: string): string | undefined {
  const unknown = [...letters].filter((c) => !ALL_PERMISSIONS.includes(c));
  if (unknown.length > 0) return `unknown permission letter(s) "${unknown.join('')}" (allowed: ${ALL_PERMISSIONS})`;
  return undefined;
}
