import type { FtpConnection } from './connection';

/** A time-val of RFC 3659 §2.3 without fraction: YYYYMMDDHHMMSS in UTC. */
export function timeVal(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * Sets a remote file's modification time: MFMT (draft-somers-ftp-mfxx) when FEAT lists it, else
 * the two-argument `MDTM YYYYMMDDHHMMSS path` that vsftpd (mdtm_write) and others accept.
 * A refusal rejects with the server's reply; callers that only preserve times log it.
 */
export async function setModifiedTime(conn: FtpConnection, remotePath: string, date: Date): Promise<void> {
  const time = timeVal(date);
  await conn.client.send(conn.capabilities.mfmt ? `MFMT ${time} ${remotePath}` : `MDTM ${time} ${remotePath}`);
}
