import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LaunchInputs } from './model/launch-plan';
import { CONFIG_FILE_SETTING, SERVER_SECTION, settingsOverrides } from './settings-schema';

/** The workspace's mini_ftpd.conf path (setting `ferry.server.configFile`, relative to the folder). */
export function configFilePath(folder: vscode.WorkspaceFolder): string {
  const configured = vscode.workspace.getConfiguration(SERVER_SECTION, folder.uri).get<string>(CONFIG_FILE_SETTING) || 'mini_ftpd.conf';
  return path.resolve(folder.uri.fsPath, configured);
}

/** Settings explicitly set for the folder (folder, workspace or user level) and the config file's text when it exists. */
export async function readLaunchInputs(folder: vscode.WorkspaceFolder): Promise<LaunchInputs> {
  const settings = vscode.workspace.getConfiguration(SERVER_SECTION, folder.uri);
  const explicit = (name: string) => {
    const inspected = settings.inspect(name);
    return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  };
  const file = configFilePath(folder);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    // No file is the normal case; an unreadable one is an error the user must see.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { settings: settingsOverrides(explicit), config: text === undefined ? undefined : { file, text } };
}

/** A stable fingerprint of the inputs, to tell whether a change event really changed the configuration. */
export function inputsFingerprint(inputs: LaunchInputs): string {
  return JSON.stringify(inputs);
}
