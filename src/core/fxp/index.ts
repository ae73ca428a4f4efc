/** Public API of FXP: one copy, and the persistent queue. */
export { copyFile } from './copy-file';
export type { ConflictRule, CopyEndpoint, CopyOptions, CopyResult } from './copy-file';
export { fxpCopy } from './fxp-copy';
export type { FxpDataProtection } from './fxp-copy';
export { FxpRefusedError, FxpStalledError } from './fxp-errors';
export { relayCopy } from './relay';
export { TransferQueue } from './queue';
export type { QueueOptions, NewJob, QueueEvents } from './queue';
export type { FolderOptions } from './queue-folder';
export type { MoveDirection } from './queue-state';
export type { CopyJob, CopyMethod, FxpProtectionMode, JobGroup, JobOwner, JobState, SiteRef } from './job';
export { siteKey } from './job';
