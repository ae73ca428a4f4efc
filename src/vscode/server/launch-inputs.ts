import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LaunchInputs } from './model/launch-plan';
import { explicitValue, setInWorkspace } from './model/workspace-trust';
import { CONFIG_FILE_SETTING, SERVER_SECTION, settingsOverrides } from './settings-schema';

/**
 * The workspace's mini_ftpd.conf path (setting `ferry.server.configFile`, relative to the folder).
 * The setting is a restricted configuration: in Restricted Mode VS Code returns the user's value only.
 */
export function configFilePath(folder: vscode.WorkspaceFolder): string {
  const configured = vscode.workspace.getConfiguration(SERVER_SECTION, folder.uri).get<string>(CONFIG_FILE_SETTING) || 'mini_ftpd.conf';
  return path.resolve(folder.uri.fsPath, configured);
}

/** The file's text, or undefined when it does not exist. */
async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    // No file is the normal case; an unreadable one is an error the user must see.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return undefined;
  }
}

/**
 * Settings explicitly set for the folder (folder, workspace or user level) and the config file's text when it
 * exists. In an untrusted workspace (Restricted Mode) only user settings count and the file is not applied;
 * `restricted.ignored` names what was left out, for the ready notification.
 */
export async function readLaunchInputs(folder: vscode.WorkspaceFolder): Promise<LaunchInputs> {
  const trusted = vscode.workspace.isTrusted;
  const settings = vscode.workspace.getConfiguration(SERVER_SECTION, folder.uri);
  const ignored: string[] = [];
  const explicit = (name: string) => {
    const levels = settings.inspect(name);
    if (!trusted && setInWorkspace(levels)) ignored.push(`${SERVER_SECTION}.${name}`);
    return explicitValue(levels, trusted);
  };
  const overrides = settingsOverrides(explicit);
  const file = configFilePath(folder);
  const text = await readIfExists(file);
  if (!trusted) {
    if (text !== undefined) ignored.unshift(path.basename(file));
    return { settings: overrides, restricted: { ignored } };
  }
  return { settings: overrides, config: text === undefined ? undefined : { file, text } };
}

/**
 * A stable fingerprint of what the server applies, to tell whether a change event (or a trust grant)
 * really changed the configuration.
 */
export function inputsFingerprint(inputs: LaunchInputs): string {
  return JSON.stringify({ settings: inputs.settings, config: inputs.config });
}
