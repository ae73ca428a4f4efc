/**
 * What Serve Workspace takes from a workspace that is not trusted (VS Code's Restricted Mode), and
 * which settings a workspace could use to widen access. No vscode import: unit-tested in plain Node.
 */
import type { TunableKey } from '../../../core/server/tunables';

/**
 * Whether a workspace-level value of the tunable's setting (or its line in the workspace's
 * mini_ftpd.conf) can give someone more access than the user chose. One entry per tunable, so a
 * new key does not compile until it is decided. These settings are package.json's
 * `capabilities.untrustedWorkspaces.restrictedConfigurations` (written by `npm run generate:settings`).
 */
export const WIDENS_ACCESS: Readonly<Record<TunableKey, boolean>> = {
  // Who can connect, and how many: a network address, more clients, anonymous logins.
  listen_address: true,
  maximum_clients: true,
  max_conns_per_ip: true,
  anonymous_enable: true,
  // What they reach and may change: other folders, write letters, a world-writable umask.
  local_root: true,
  anon_root: true,
  anon_perms: true,
  local_umask: true,
  // Where data goes: FXP to third hosts (RFC 2577 bounce), data connections sent to another address.
  allow_fxp: true,
  pasv_address: true,
  // Encryption: TLS off or weakened, or a certificate and key the workspace's author knows (could decrypt).
  ssl_enable: true,
  force_tls: true,
  require_ssl_reuse: true,
  rsa_cert_file: true,
  rsa_private_key_file: true,
  // Password guessing: more attempts, shorter delays and bans.
  max_login_fails: true,
  login_fail_delay_ms: true,
  max_login_fails_per_ip: true,
  login_fail_window: true,
  login_ban_time: true,
  // Port, timeouts, rate limits, passive range and banner change no one's access.
  listen_port: false,
  accept_timeout: false,
  connect_timeout: false,
  max_upload_rate: false,
  max_download_rate: false,
  global_upload_rate: false,
  global_download_rate: false,
  idle_ctrl_timeout: false,
  idle_data_timeout: false,
  pasv_min_port: false,
  pasv_max_port: false,
  ftpd_banner: false,
};

/** A setting's value at each level, as `WorkspaceConfiguration.inspect` returns it. */
export interface SettingLevels {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** True when the workspace (or its folder) sets the setting itself, not only the user. */
export function setInWorkspace(levels: SettingLevels | undefined): boolean {
  return levels?.workspaceFolderValue !== undefined || levels?.workspaceValue !== undefined;
}

/**
 * The value a setting is explicitly set to: the folder's, else the workspace's, else the user's.
 * In an untrusted workspace only the user's own value counts: the workspace's author chose the others.
 */
export function explicitValue(levels: SettingLevels | undefined, trusted: boolean): unknown {
  if (!trusted) return levels?.globalValue;
  return levels?.workspaceFolderValue ?? levels?.workspaceValue ?? levels?.globalValue;
}

/**
 * Where the URL of a server started in this window can be reached from, for the ready notification.
 * `remoteName` is `vscode.env.remoteName` (set in SSH, WSL, container and code-server windows: the
 * extension host, so the server, runs on that machine, not where the editor is shown).
 */
export type UrlReach = 'local' | 'remote-loopback' | 'remote-network';

/** See UrlReach: a loopback server in a remote window is reachable only from the remote host, or through a forwarded port. */
export function urlReach(remoteName: string | undefined, loopback: boolean): UrlReach {
  if (!remoteName) return 'local';
  return loopback ? 'remote-loopback' : 'remote-network';
}
