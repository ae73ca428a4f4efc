import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { UserAccount } from './authorizer';
import { parsePasswordHash } from './password';
import { ALL_PERMISSIONS, checkPermissionLetters } from './permissions';
import { defaultTunables, formatTunableValue, isTunableKey, parseTunableValue, TunableKey, TUNABLES, Tunables } from './tunables';

/** What a problem is about, so editors can offer a fix for it. */
export type ConfigProblemKind = 'syntax' | 'unknown-key' | 'duplicate' | 'value' | 'user' | 'range';

/** One problem found in a config file, with its 1-based line number. */
export interface ConfigProblem {
  line: number;
  message: string;
  /** 0-based [start, end) columns of the part at fault (key or value); absent means the whole line. */
  columns?: [number, number];
  kind?: ConfigProblemKind;
}

/** Thrown when a config has problems; its message lists every one as `file:line: message`. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    // Line 0 means the problem has no line (command-line flags, programmatic options).
    super(problems.map((p) => (p.line > 0 ? `${file}:${p.line}: ${p.message}` : `${file}: ${p.message}`)).join('\n'));
    this.name = 'ConfigError';
  }
}

export interface ParsedConfig {
  tunables: Tunables;
  users: UserAccount[];
  problems: ConfigProblem[];
  /** Keys that the text set explicitly, with the line that set them. */
  setKeys: Map<TunableKey, number>;
}

/** A parsed `key = value` line, or undefined for blank lines and `#` comments. */
export interface ConfigLine {
  line: number;
  key: string;
  value: string;
  /** 0-based columns where the key and the value start in the raw line (for editor ranges). */
  keyColumn: number;
  valueColumn: number;
}

/** Splits mini_ftpd.conf text into key/value lines; lines without `=` are reported as problems. */
export function splitConfigLines(text: string, problems: ConfigProblem[]): ConfigLine[] {
  const out: ConfigLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const eq = trimmed.indexOf('=');
    const keyColumn = raw.length - raw.trimStart().length;
    if (eq < 0) {
      problems.push({ line: index + 1, message: `expected "key = value", got "${trimmed}"`, columns: [keyColumn, keyColumn + trimmed.length], kind: 'syntax' });
      return;
    }
    const afterEq = trimmed.slice(eq + 1);
    const valueColumn = keyColumn + eq + 1 + (afterEq.length - afterEq.trimStart().length);
    out.push({ line: index + 1, key: trimmed.slice(0, eq).trim(), value: afterEq.trim(), keyColumn, valueColumn });
  });
  return out;
}

/**
 * Parses a `user = name:hash:perms[:root]` value. The root may itself contain colons
 * (a Windows drive), so everything after the third colon is the root.
 */
export function parseUserLine(value: string, baseDir: string): UserAccount | { error: string } {
  const parts = value.split(':');
  if (parts.length < 3) return { error: 'user expects name:scrypt-hash:perms[:root]' };
  const [name, passwordHash, perms] = parts;
  const root = parts.length > 3 ? parts.slice(3).join(':') : undefined;
  if (!/^[^\s:]{1,64}$/.test(name)) return { error: `invalid user name "${name}"` };
  if (!parsePasswordHash(passwordHash)) {
    return { error: `user ${name}: password must be an scrypt hash (run "ferry hash-password"), plain text is not accepted` };
  }
  // The authorizer treats empty letters as "all permissions": never let a config line mean that by accident.
  if (perms === '') return { error: `user ${name}: no permission letters (elr is read-only, ${ALL_PERMISSIONS} is everything)` };
  const permError = checkPermissionLetters(perms);
  if (permError) return { error: `user ${name}: ${permError}` };
  return { name, passwordHash, perms, root: root ? path.resolve(baseDir, root) : undefined };
}

/** Parses mini_ftpd.conf text. Never throws: every problem is collected with its line. */
export function parseConfig(text: string, baseDir = process.cwd()): ParsedConfig {
  const problems: ConfigProblem[] = [];
  const tunables = defaultTunables() as Record<TunableKey, unknown>;
  const users: UserAccount[] = [];
  const setKeys = new Map<TunableKey, number>();
  for (const { line, key, value, keyColumn, valueColumn } of splitConfigLines(text, problems)) {
    const keyColumns: [number, number] = [keyColumn, keyColumn + key.length];
    const valueColumns: [number, number] = [valueColumn, valueColumn + value.length];
    if (key === 'user') {
      const parsed = parseUserLine(value, baseDir);
      if ('error' in parsed) problems.push({ line, message: parsed.error, columns: valueColumns, kind: 'user' });
      else if (users.some((u) => u.name === parsed.name)) problems.push({ line, message: `user ${parsed.name} is defined twice`, columns: valueColumns, kind: 'duplicate' });
      else users.push(parsed);
      continue;
    }
    if (!isTunableKey(key)) {
      problems.push({ line, message: `unknown key "${key}"`, columns: keyColumns, kind: 'unknown-key' });
      continue;
    }
    const previous = setKeys.get(key);
    if (previous !== undefined) problems.push({ line, message: `${key} is already set on line ${previous}`, columns: keyColumns, kind: 'duplicate' });
    const parsed = parseTunableValue(key, value);
    if ('error' in parsed) {
      problems.push({ line, message: parsed.error, columns: valueColumns, kind: 'value' });
      continue;
    }
    tunables[key] = parsed.value;
    setKeys.set(key, line);
  }
  const result = tunables as Tunables;
  const pasvProblem = checkPassivePortRange(result);
  if (pasvProblem) problems.push({ line: setKeys.get('pasv_max_port') ?? setKeys.get('pasv_min_port') ?? 0, message: pasvProblem, kind: 'range' });
  return { tunables: result, users, problems, setKeys };
}

/** Cross-key check shared by the file parser and programmatic options. */
export function checkPassivePortRange(t: Pick<Tunables, 'pasv_min_port' | 'pasv_max_port'>): string | undefined {
  if (t.pasv_min_port > t.pasv_max_port) return `pasv_min_port (${t.pasv_min_port}) is above pasv_max_port (${t.pasv_max_port})`;
  if (t.pasv_min_port === 0 && t.pasv_max_port !== 0) return 'pasv_min_port must be set when pasv_max_port is';
  return undefined;
}

/** Everything wrong with a complete set of tunables given programmatically (not via the parser). */
export function tunableProblems(t: Tunables): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(TUNABLES) as TunableKey[]) {
    const parsed = parseTunableValue(key, formatTunableValue(key, t[key]));
    if ('error' in parsed) problems.push(parsed.error);
  }
  const range = checkPassivePortRange(t);
  if (range) problems.push(range);
  return problems;
}

/** Reads and parses a config file; throws ConfigError listing every problem. */
export function loadConfigFile(file: string): ParsedConfig {
  const text = readFileSync(file, 'utf8');
  const parsed = parseConfig(text, path.dirname(path.resolve(file)));
  if (parsed.problems.length > 0) throw new ConfigError(file, parsed.problems);
  return parsed;
}

/** One `key=value` override and where it came from (a CLI flag such as "--port", or "--set"). */
export interface Override {
  text: string;
  source: string;
}

/** Applies overrides in order; throws ConfigError naming each bad one by its source. */
export function applyOverrides(tunables: Tunables, overrides: (string | Override)[]): Tunables {
  const out = { ...tunables } as Record<TunableKey, unknown>;
  const problems: ConfigProblem[] = [];
  overrides.forEach((entry) => {
    const { text, source } = typeof entry === 'string' ? { text: entry, source: '--set' } : entry;
    const eq = text.indexOf('=');
    const key = eq < 0 ? text : text.slice(0, eq).trim();
    const report = (message: string) => problems.push({ line: 0, message: `${source}: ${message}` });
    if (!isTunableKey(key)) return void report(`unknown key "${key}" (known: ${Object.keys(TUNABLES).join(', ')})`);
    const parsed = parseTunableValue(key, eq < 0 ? '' : text.slice(eq + 1));
    if ('error' in parsed) report(parsed.error);
    else out[key] = parsed.value;
  });
  if (problems.length > 0) throw new ConfigError('command line', problems);
  return out as Tunables;
}
