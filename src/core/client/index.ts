/** Public API of the FTP client core. */
export { FtpClient } from './client';
export type { FolderTransferOptions } from './client';
export type { SiteSettings, TlsMode, DataMode } from './settings';
export type { RemoteEntry } from './remote-entry';
export type { TransferProgress, ProgressListener } from './transfer-progress';
export type { TransferOptions, TransferResult } from './file-transfers';
export type { Capabilities } from './capabilities';
export { FerryClientError, RemoteReplyError, TlsRefusedError, ConnectionError, CancelledError, VerificationError } from './errors';
export { forgetDataStrategies, lastDataStrategy } from './transfer';
export type { DataStrategy } from './data-channel';
export { fingerprint256 } from './connection';
export { NAME_ENCODINGS, parseNameEncoding, nameEncodingList } from './name-encodings';
export type { NameEncoding } from './name-encodings';
export { NameCodec, NameEncodingError } from './name-codec';
