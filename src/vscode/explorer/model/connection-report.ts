import type { Capabilities, DataStrategy, TlsMode } from '../../../core/client';
import { formatZone } from '../../../core/client/modified-time';

/** What a test connection found out. */
export interface ConnectionFacts {
  tls: TlsMode;
  secure: boolean;
  capabilities: Capabilities;
  /** The data strategy the test listing used. */
  dataStrategy?: DataStrategy;
  home: string;
  /** Entries in the login directory. */
  entries: number;
}

/** vscode.l10n.t's shape, injected so this runs in plain Node. */
export type Translate = (message: string, ...args: (string | number)[]) => string;

const PASSIVE: DataStrategy[] = ['EPSV', 'PASV'];

/** The test connection's findings in plain words, one line each. */
export function describeConnection(facts: ConnectionFacts, t: Translate): string[] {
  const caps = facts.capabilities;
  const lines = [
    facts.secure ? t('Encryption: TLS ({0}); the password and the files are encrypted.', facts.tls) : t('Encryption: none; the password and the files travel in plain text.'),
    facts.dataStrategy
      ? t('Data connections: {0} mode works ({1}).', PASSIVE.includes(facts.dataStrategy) ? t('passive') : t('active'), facts.dataStrategy)
      : t('Data connections: not tried.'),
    caps.mlsd ? t('Listings: MLSD, with exact sizes, times and permissions.') : t('Listings: LIST only; times may be approximate.'),
    caps.encodingHint
      ? t('File names: {0}.', caps.encodingHint)
      : caps.utf8
        ? t('File names: UTF-8.')
        : t('File names: the server does not announce UTF-8; choose its encoding in the site if names look wrong.'),
    caps.restStream ? t('Resume: supported (REST STREAM).') : t('Resume: no REST STREAM; uploads resume by appending.'),
  ];
  if (caps.hash.length > 0) lines.push(t('Checksums: {0}.', caps.hash.join(', ')));
  const listZone = (caps.listAheadOfMdtmMs ?? 0) + (caps.mdtmOffsetMs ?? 0);
  if (!caps.mlsd && listZone !== 0) lines.push(t('Times: LIST shows the server\'s local time ({0}); Ferry corrects them to UTC.', formatZone(listZone)));
  lines.push(t('Login folder: {0} ({1} entries).', facts.home, facts.entries));
  return lines;
}
