/** Public API of the embedded server, for the CLI and the editor layer. */
export { startServer, defaultStateDir } from './server';
export { tuneHeapForServer } from './process-tuning';
export type { ServerHandle, ServerOptions, ServerEvents } from './server';
export type { SessionInfo, TransferInfo } from './server-context';
export type { UserAccount } from './authorizer';
export { TUNABLES, defaultTunables, parseTunableValue, formatTunableValue, isTunableKey } from './tunables';
export type { Tunables, TunableKey, TunableSpec, TunableType } from './tunables';
export { parseConfig, loadConfigFile, applyOverrides, parseUserLine, splitConfigLines, ConfigError } from './config';
export type { Override } from './config';
export type { ConfigLine, ConfigProblem, ConfigProblemKind, ParsedConfig } from './config';
export { hashPassword } from './password';
export { ALL_PERMISSIONS, READ_ONLY_PERMISSIONS } from './permissions';
