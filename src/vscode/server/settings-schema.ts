/**
 * The `ferry.server.*` settings, derived from the server's tunables table: same defaults,
 * types, ranges and docs. scripts/generate-settings.js writes this into package.json, and a
 * unit test checks that package.json matches it, so the table stays the single source.
 * No vscode import: the generator and the tests run in plain Node.
 */
import type { Override } from '../../core/server/config';
import { TUNABLE_DOCS_ZH_CN } from '../../core/server/tunable-docs-zh-cn';
import { formatTunableValue, TunableKey, TUNABLES, TunableSpec } from '../../core/server/tunables';
import { WIDENS_ACCESS } from './model/workspace-trust';

/** The configuration section of the server settings. */
export const SERVER_SECTION = 'ferry.server';
/** Setting (inside the section) naming the workspace's mini_ftpd.conf. */
export const CONFIG_FILE_SETTING = 'configFile';
/** The configuration block's id in package.json, used to merge it without touching other blocks. */
export const CONFIGURATION_ID = 'ferry-server';

/** One property of a contributes.configuration block. */
export interface SettingSchema {
  type: 'boolean' | 'integer' | 'string';
  default: boolean | number | string;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  markdownDescription: string;
  scope: 'resource';
  order: number;
}

/** The setting name of a tunable inside the section: listen_port → listenPort. */
export function settingName(key: TunableKey): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The package.nls key of a tunable's setting description. */
export function descriptionKey(key: TunableKey): string {
  return `${SERVER_SECTION}.${settingName(key)}.description`;
}

/**
 * The setting descriptions in English (package.nls.json) and Simplified Chinese
 * (package.nls.zh-cn.json): the table's doc and the mini_ftpd.conf key it sets.
 */
export function serverSettingsStrings(): { en: Record<string, string>; zhCn: Record<string, string> } {
  const en: Record<string, string> = {};
  const zhCn: Record<string, string> = {};
  for (const key of Object.keys(TUNABLES) as TunableKey[]) {
    en[descriptionKey(key)] = `${TUNABLES[key].doc}\n\n\`mini_ftpd.conf\`: \`${key}\``;
    zhCn[descriptionKey(key)] = `${TUNABLE_DOCS_ZH_CN[key]}\n\n\`mini_ftpd.conf\`：\`${key}\``;
  }
  return { en, zhCn };
}

/** The JSON schema of one tunable's setting; its description is a %key% of the package.nls files. */
export function tunableSetting(key: TunableKey, order: number): SettingSchema {
  const spec: TunableSpec<unknown> = TUNABLES[key];
  const common = { markdownDescription: `%${descriptionKey(key)}%`, scope: 'resource' as const, order };
  switch (spec.type) {
    case 'bool':
      return { type: 'boolean', default: spec.default as boolean, ...common };
    case 'uint':
    case 'port':
      return { type: 'integer', default: spec.default as number, minimum: spec.min, maximum: spec.max, ...common };
    case 'octal': {
      // Modes stay octal text ("022"), as in the config file; the digit count follows the table's maximum.
      const digits = (spec.max ?? 0o777).toString(8).length;
      return { type: 'string', default: formatTunableValue(key, spec.default), pattern: `^0?[0-7]{1,${digits}}$`, ...common };
    }
    case 'string':
      return { type: 'string', default: spec.default as string, ...common };
  }
}

/** The whole contributes.configuration block of the server settings. */
export function serverConfiguration(): { id: string; title: string; properties: Record<string, unknown> } {
  const keys = Object.keys(TUNABLES) as TunableKey[];
  const properties: Record<string, unknown> = {
    [`${SERVER_SECTION}.${CONFIG_FILE_SETTING}`]: {
      type: 'string',
      default: 'mini_ftpd.conf',
      markdownDescription: '%ferry.server.configFile.description%',
      scope: 'resource',
      order: 0,
    },
  };
  keys.forEach((key, index) => (properties[`${SERVER_SECTION}.${settingName(key)}`] = tunableSetting(key, index + 1)));
  return { id: CONFIGURATION_ID, title: '%ferry.server.configuration.title%', properties };
}

/**
 * The settings a workspace could use to widen access (model/workspace-trust.ts decides each key), and the
 * config file path: VS Code ignores their workspace values in Restricted Mode. The generator writes this
 * list into package.json's capabilities.untrustedWorkspaces.restrictedConfigurations.
 */
export function restrictedConfigurations(): string[] {
  const keys = (Object.keys(TUNABLES) as TunableKey[]).filter((key) => WIDENS_ACCESS[key]);
  return [CONFIG_FILE_SETTING, ...keys.map(settingName)].map((name) => `${SERVER_SECTION}.${name}`);
}

/**
 * Turns explicitly set settings into overrides for applyOverrides, which validates them with the
 * table (so a bad value in settings.json is reported like a bad line in the file).
 * `read` returns a setting's explicitly set value, or undefined when it is left at its default.
 */
export function settingsOverrides(read: (name: string) => unknown): Override[] {
  const overrides: Override[] = [];
  for (const key of Object.keys(TUNABLES) as TunableKey[]) {
    const value = read(settingName(key));
    if (value === undefined) continue;
    const text = typeof value === 'boolean' ? formatTunableValue(key, value) : String(value);
    overrides.push({ text: `${key}=${text}`, source: `${SERVER_SECTION}.${settingName(key)}` });
  }
  return overrides;
}
