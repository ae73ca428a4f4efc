/**
 * Resolves what the Serve command starts: table defaults, then the editor's port default,
 * then `ferry.server.*` settings, then the workspace's mini_ftpd.conf (which takes precedence).
 * No vscode import, so the precedence rules are unit-tested in plain Node.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import { applyOverrides, ConfigError, defaultTunables, Override, parseConfig, TunableKey, Tunables, UserAccount } from '../../../core/server';


export interface LaunchInputs {
  /** Overrides from explicitly set settings (see settingsOverrides). */
  settings: Override[];
  /** The workspace's mini_ftpd.conf, when it exists. */
  config?: { file: string; text: string };
}

export interface LaunchPlan {
  tunables: Tunables;
  /** `user =` lines of the config file. */
  users: UserAccount[];
  /** The config file that was applied, if any. */
  configFile?: string;
  /** Line of each key the config file set, so a fix can point at it. */
  fileKeys: Map<TunableKey, number>;
  /** Nobody could log in: the caller adds the generated user. */
  needsGeneratedUser: boolean;
}

/** Resolves the plan; throws a ConfigError naming the setting or the file:line at fault. */
export function planLaunch(inputs: LaunchInputs): LaunchPlan {
  let tunables: Tunables = defaultTunables();
  try {
    tunables = applyOverrides(tunables, inputs.settings);
  } catch (err) {
    throw err instanceof ConfigError ? new ConfigError('settings', err.problems) : err;
  }
  const { config } = inputs;
  const parsed = config && parseConfig(config.text, path.dirname(config.file));
  if (config && parsed && parsed.problems.length > 0) throw new ConfigError(config.file, parsed.problems);
  const fileKeys = parsed?.setKeys ?? new Map<TunableKey, number>();
  if (parsed) for (const key of fileKeys.keys()) (tunables as Record<TunableKey, unknown>)[key] = parsed.tunables[key];
  const users = parsed?.users ?? [];
  return { tunables, users, configFile: inputs.config?.file, fileKeys, needsGeneratedUser: users.length === 0 && !tunables.anonymous_enable };
}

/** True when the address only accepts connections from this machine. */
export function isLoopback(address: string): boolean {
  if (address === 'localhost' || address === '::1') return true;
  return net.isIPv4(address) && address.startsWith('127.');
}

/** A plain-FTP listener on another address than loopback sends passwords and files in clear text. */
export function exposesClearText(tunables: Tunables): boolean {
  return !isLoopback(tunables.listen_address) && !tunables.force_tls;
}
