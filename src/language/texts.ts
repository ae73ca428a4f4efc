import { ALL_PERMISSIONS, READ_ONLY_PERMISSIONS } from '../core/server/permissions';
import { TUNABLE_DOCS_ZH_CN } from '../core/server/tunable-docs-zh-cn';
import { TunableKey, TUNABLES } from '../core/server/tunables';

/**
 * Everything the config language server says, in one language. The editor's locale arrives with
 * `initialize` (LSP `params.locale`, which vscode-languageclient fills from vscode.env.language);
 * English unless it is Simplified Chinese. The server's own parser reports problems in English
 * (the CLI and the log share those texts), so `problem` translates the message shapes it knows
 * and leaves any other as it is.
 */
export interface LanguageTexts {
  /** A tunable's one-line doc. */
  doc(key: TunableKey): string;
  /** "default" in a tunable's summary and on the default value's completion. */
  defaultWord: string;
  /** How an empty default is shown. */
  empty: string;
  /** The `user =` line's documentation: what follows its format on the first line, then Markdown lines. */
  userDoc: [string, ...string[]];
  /** Title of the "did you mean" quick fix. */
  changeTo(key: string): string;
  /** Title of the password-hashing quick fix. */
  hashPassword: string;
  /** Appended to an unknown key's diagnostic: the closest keys, already quoted. */
  didYouMean(quoted: string[]): string;
  /** A problem message of the core parser in this language. */
  problem(message: string): string;
}

const ENGLISH: LanguageTexts = {
  doc: (key) => TUNABLES[key].doc,
  defaultWord: 'default',
  empty: '(empty)',
  userDoc: [
    'one line per user',
    '',
    'The hash comes from `ferry hash-password` (or the "hash this password" quick fix); plain text passwords are refused.',
    `Permission letters: \`${ALL_PERMISSIONS}\` is everything, \`${READ_ONLY_PERMISSIONS}\` is read-only. A root is resolved relative to the config file.`,
  ],
  changeTo: (key) => `Change to "${key}"`,
  hashPassword: 'Replace the plain password with its scrypt hash',
  didYouMean: (quoted) => ` — did you mean ${quoted.join(' or ')}?`,
  problem: (message) => message,
};

/** The core parser's message shapes (config.ts, tunables.ts, permissions.ts) and their Chinese. */
const PROBLEMS_ZH_CN: [RegExp, (...groups: string[]) => string][] = [
  [/^expected "key = value", got "(.*)"$/s, (got) => `应为 "键 = 值"，实际为 "${got}"`],
  [/^user expects name:scrypt-hash:perms\[:root\]$/, () => 'user 的格式应为 name:scrypt-hash:perms[:root]'],
  [/^invalid user name "(.*)"$/s, (name) => `无效的用户名 "${name}"`],
  [/^user (\S+): password must be an scrypt hash \(run "ferry hash-password"\), plain text is not accepted$/, (name) => `用户 ${name}：密码必须是 scrypt 哈希（运行 "ferry hash-password"），不接受明文`],
  [/^user (\S+): no permission letters \((\S+) is read-only, (\S+) is everything\)$/, (name, ro, all) => `用户 ${name}：没有权限字母（${ro} 为只读，${all} 为全部权限）`],
  [/^user (\S+) is defined twice$/, (name) => `用户 ${name} 重复定义`],
  [/^unknown key "(.*)"$/s, (key) => `未知的键 "${key}"`],
  [/^(\w+) is already set on line (\d+)$/, (key, line) => `${key} 已在第 ${line} 行设置`],
  [/^(\w+) expects YES or NO, got "(.*)"$/s, (key, got) => `${key} 应为 YES 或 NO，实际为 "${got}"`],
  [/^(\w+) expects an octal mode such as 077, got "(.*)"$/s, (key, got) => `${key} 应为八进制模式（如 077），实际为 "${got}"`],
  [/^(\w+) expects a whole number, got "(.*)"$/s, (key, got) => `${key} 应为整数，实际为 "${got}"`],
  [/^(\w+) must be between (\S+) and (\S+), got (.*)$/s, (key, min, max, got) => `${key} 必须介于 ${min} 和 ${max} 之间，实际为 ${got}`],
  [/^pasv_min_port \((\d+)\) is above pasv_max_port \((\d+)\)$/, (min, max) => `pasv_min_port（${min}）大于 pasv_max_port（${max}）`],
  [/^pasv_min_port must be set when pasv_max_port is$/, () => '设置了 pasv_max_port 时必须同时设置 pasv_min_port'],
];
/** A prefixed problem ("user bob: …", "anon_perms: …") around one of the shapes below. */
const PREFIXED = /^(user \S+|\w+): (.*)$/s;
const UNKNOWN_LETTERS: [RegExp, (...groups: string[]) => string] = [/^unknown permission letter\(s\) "(.*)" \(allowed: (\w+)\)$/s, (letters, allowed) => `未知的权限字母 "${letters}"（允许：${allowed}）`];

function translate(message: string, table: [RegExp, (...groups: string[]) => string][]): string | undefined {
  for (const [pattern, render] of table) {
    const match = pattern.exec(message);
    if (match) return render(...match.slice(1));
  }
  return undefined;
}

function problemZhCn(message: string): string {
  const whole = translate(message, PROBLEMS_ZH_CN);
  if (whole) return whole;
  const prefixed = PREFIXED.exec(message);
  const inner = prefixed && translate(prefixed[2], [UNKNOWN_LETTERS]);
  if (!prefixed || !inner) return message;
  return `${prefixed[1].replace(/^user /, '用户 ')}：${inner}`;
}

const CHINESE: LanguageTexts = {
  doc: (key) => TUNABLE_DOCS_ZH_CN[key],
  defaultWord: '默认',
  empty: '（空）',
  userDoc: [
    '每个用户一行',
    '',
    '哈希由 `ferry hash-password`（或“对此密码进行哈希”快速修复）生成；明文密码会被拒绝。',
    `权限字母：\`${ALL_PERMISSIONS}\` 为全部权限，\`${READ_ONLY_PERMISSIONS}\` 为只读。根目录相对于配置文件解析。`,
  ],
  changeTo: (key) => `改为 "${key}"`,
  hashPassword: '将明文密码替换为其 scrypt 哈希',
  didYouMean: (quoted) => ` — 是否指 ${quoted.join(' 或 ')}？`,
  problem: problemZhCn,
};

/** The texts for an editor locale ("zh-cn", "zh-CN", "zh-hans"…); English for anything else. */
export function languageTexts(locale: string | undefined): LanguageTexts {
  return /^zh(-(cn|sg|hans)\b|$)/i.test(locale ?? '') ? CHINESE : ENGLISH;
}

/** English, the default of every function that takes texts. */
export const EN = ENGLISH;
