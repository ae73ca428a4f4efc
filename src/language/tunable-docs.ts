import { ALL_PERMISSIONS, formatTunableValue, READ_ONLY_PERMISSIONS, TunableKey, TUNABLES, TunableSpec } from '../core/server';

/** The `user =` key is not a tunable but is valid in every config file. */
export const USER_KEY = 'user';

/** Every key a config line may start with. */
export function knownKeys(): string[] {
  return [...Object.keys(TUNABLES), USER_KEY];
}

/** A tunable's value as mini_ftpd.conf writes it, with "(empty)" for an empty string. */
function shownDefault(key: TunableKey): string {
  const text = formatTunableValue(key, TUNABLES[key].default);
  return text === '' ? '(empty)' : text;
}

/** One line summing up type, default and range, e.g. "uint (s) · default 600 · 0–4294967295". */
export function tunableSummary(key: TunableKey): string {
  const spec: TunableSpec<unknown> = TUNABLES[key];
  const type = spec.unit ? `${spec.type} (${spec.unit})` : spec.type;
  const parts = [type, `default ${shownDefault(key)}`];
  if (spec.min !== undefined && spec.max !== undefined) {
    const show = (n: number) => (spec.type === 'octal' ? '0' + n.toString(8) : String(n));
    parts.push(`${show(spec.min)}–${show(spec.max)}`);
  }
  return parts.join(' · ');
}

/** Markdown documentation of a tunable for hovers and completion items. */
export function tunableMarkdown(key: TunableKey): string {
  return `**${key}** — ${tunableSummary(key)}\n\n${TUNABLES[key].doc}`;
}

/** Markdown documentation of the `user =` line. */
export function userMarkdown(): string {
  return [
    '**user** — `name:scrypt-hash:perms[:root]`, one line per user',
    '',
    'The hash comes from `ferry hash-password` (or the "hash this password" quick fix); plain text passwords are refused.',
    `Permission letters: \`${ALL_PERMISSIONS}\` is everything, \`${READ_ONLY_PERMISSIONS}\` is read-only. ` +
      'A root is resolved relative to the config file.',
  ].join('\n');
}
