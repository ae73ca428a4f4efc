/**
 * What a server can do, from its FEAT reply (RFC 2389) plus what was learned by trying.
 * Feature names are upper-cased; their parameters are kept as sent.
 */
export interface Capabilities {
  mlsd: boolean;
  utf8: boolean;
  epsv: boolean;
  restStream: boolean;
  size: boolean;
  mdtm: boolean;
  mfmt: boolean;
  pret: boolean;
  authTls: boolean;
  sscn: boolean;
  cpsv: boolean;
  /** Hash algorithms of the HASH command (draft-bryan-ftpext-hash), e.g. ["SHA-256", "SHA-1", "MD5"]. */
  hash: string[];
  /** Legacy hash commands offered: XCRC, XMD5, XSHA1, XSHA256. */
  legacyHashes: string[];
  /** SITE CHMOD works: unknown until tried, then remembered. */
  siteChmod?: boolean;
  /** How this server sets modification times, once known (modified-time.ts); null when it has no way. */
  timeSetter?: 'MFMT' | 'MDTM' | 'SITE UTIME' | null;
  /** How far this server's LIST dates run ahead of its MDTM, once detected (listing.ts). */
  listAheadOfMdtmMs?: number;
  /** How far this server's MDTM runs ahead of UTC, once learned from an upload (modified-time.ts); null: tried, not told. */
  mdtmOffsetMs?: number | null;
  /** Names in a listing did not decode in the site's encoding: what to do about it (connection.ts noteUndecodable). */
  encodingHint?: string;
  /** The listing command that worked, once known. */
  listCommand?: 'MLSD' | 'LIST -a' | 'LIST';
}

export function parseFeatures(features: Map<string, string>): Capabilities {
  const has = (name: string) => features.has(name);
  const hashParam = features.get('HASH');
  return {
    mlsd: has('MLST') || has('MLSD'),
    utf8: has('UTF8'),
    epsv: has('EPSV'),
    restStream: has('REST') && /STREAM/i.test(features.get('REST') ?? ''),
    size: has('SIZE'),
    mdtm: has('MDTM'),
    mfmt: has('MFMT'),
    pret: has('PRET'),
    authTls: has('AUTH') && /TLS/i.test(features.get('AUTH') ?? ''),
    sscn: has('SSCN'),
    cpsv: has('CPSV'),
    hash: hashParam ? hashParam.split(';').map((h) => h.replace(/\*$/, '').trim().toUpperCase()).filter(Boolean) : [],
    legacyHashes: ['XCRC', 'XMD5', 'XSHA1', 'XSHA256'].filter(has),
  };
}
