/**
 * Resolves what the Serve command starts: table defaults, then the editor's port default,
 * then `ferry.server.*` settings, then the workspace's mini_ftpd.conf (which takes precedence).
 * No vscode import, so the precedence rules are unit-tested in plain Node.
 */
import * as net from 'node:net';
import * as path from 'node:path';
import type { UserAccount } from '../../../core/server';
import { applyOverrides, ConfigError, Override, parseConfig } from '../../../core/server/config';
import { defaultTunables, TunableKey, Tunables } from '../../../core/server/tunables';


export interface LaunchInputs {
  /** Overrides from explicitly set settings (see settingsOverrides). */
  settings: Override[];
  /** The workspace's mini_ftpd.conf, when it exists. */
  config?: { file: string; text: string };
  /**
   * Set in an untrusted workspace (Restricted Mode): `settings` hold only the user's own values and
   * `config` is left out; `ignored` names what the workspace set (its config file, its settings).
   */
  restricted?: { ignored: string[] };
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
  /** Copied from the inputs: the workspace was not trusted, so its configuration was left out. */
  restricted?: { ignored: string[] };
}

/** Resolves the plan; throws a ConfigError naming the setting or the file:line at fault. */
export function planLaunch(inputs: LaunchInputs): LaunchPlan {
  let tunables: Tunables = defaultTunables();
  try {
    tunables = applyOverrides(tunables, inputs.settings);
  } catch (err) {
    throw err instanceof ConfigError ? new ConfigError('settings', err.problems) : err;
  }
  // Restricted Mode never applies the workspace's file, even if a caller passed it.
  const config = inputs.restricted ? undefined : inputs.config;
  const parsed = config && parseConfig(config.text, path.dirname(config.file));
  if (config && parsed && parsed.problems.length > 0) throw new ConfigError(config.file, parsed.problems);
  const fileKeys = parsed?.setKeys ?? new Map<TunableKey, number>();
  if (parsed) for (const key of fileKeys.keys()) (tunables as Record<TunableKey, unknown>)[key] = parsed.tunables[key];
  const users = parsed?.users ?? [];
  const needsGeneratedUser = users.length === 0 && !tunables.anonymous_enable;
  return { tunables, users, configFile: config?.file, fileKeys, needsGeneratedUser, restricted: inputs.restricted };
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
