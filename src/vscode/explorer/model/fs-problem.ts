import { FerryClientError, RemoteReplyError } from '../../../core/client';
import { Reply } from '../../../core/protocol/replies';

/** The vscode.FileSystemError kinds the provider reports. */
export type FsProblemKind = 'FileNotFound' | 'FileExists' | 'FileNotADirectory' | 'FileIsADirectory' | 'NoPermissions' | 'Unavailable';

/** A file-system failure in the provider's terms, with the text to show (the server's reply when there was one). */
export class FsProblem extends Error {
  constructor(
    readonly kind: FsProblemKind,
    message: string,
  ) {
    super(message);
    this.name = 'FsProblem';
  }
}

const BY_TEXT: [RegExp, FsProblemKind][] = [
  [/denied|permission|not permitted|not allowed|access/i, 'NoPermissions'],
  [/already exists|file exists/i, 'FileExists'],
  [/not a directory/i, 'FileNotADirectory'],
  [/is a directory|not a (regular|plain) file/i, 'FileIsADirectory'],
  [/no such|not found|does ?n[o']t exist|can(no|')t find|not exist/i, 'FileNotFound'],
];

/**
 * The kind of a negative FTP reply. Servers word 550 differently (vsftpd says "Failed to open
 * file." for a missing and an unreadable file alike), so when the text says nothing, what a
 * stat of the path found decides: present → NoPermissions, missing or unknown → FileNotFound.
 */
export function classifyReply(code: number, text: string, exists?: boolean): FsProblemKind {
  const byText = BY_TEXT.find(([pattern]) => pattern.test(text));
  if (byText) return byText[1];
  if (code === Reply.NotLoggedIn || code === Reply.NeedAccountForStoring || code === Reply.FileNameNotAllowed) return 'NoPermissions';
  if (code === Reply.FileUnavailable || code === Reply.FileBusy) return exists ? 'NoPermissions' : 'FileNotFound';
  return 'Unavailable';
}

/**
 * Any error from the client core as an FsProblem: a reply error by its code and text, anything
 * else (connection lost, cancelled, verification failed) as Unavailable. The message is the
 * core's one-line description, which carries the server's own words.
 */
export function toFsProblem(err: unknown, exists?: boolean): FsProblem {
  if (err instanceof FsProblem) return err;
  if (err instanceof RemoteReplyError) return new FsProblem(classifyReply(err.code, err.text, exists), err.describe());
  if (err instanceof FerryClientError) return new FsProblem('Unavailable', err.describe());
  return new FsProblem('Unavailable', err instanceof Error ? err.message : String(err));
}

/** True for a reply error whose kind may depend on whether the path exists (worth a stat to find out). */
export function needsExistenceCheck(err: unknown): boolean {
  return err instanceof RemoteReplyError && (err.code === Reply.FileUnavailable || err.code === Reply.FileBusy) && !BY_TEXT.some(([pattern]) => pattern.test(err.text));
}
