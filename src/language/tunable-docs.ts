import { formatTunableValue, TunableKey, TUNABLES, TunableSpec } from '../core/server/tunables';
import { EN, LanguageTexts } from './texts';

/** The `user =` key is not a tunable but is valid in every config file. */
export const USER_KEY = 'user';

/** Every key a config line may start with. */
export function knownKeys(): string[] {
  return [...Object.keys(TUNABLES), USER_KEY];
}

/** A tunable's value as mini_ftpd.conf writes it, with "(empty)" for an empty string. */
function shownDefault(key: TunableKey, texts: LanguageTexts): string {
  const text = formatTunableValue(key, TUNABLES[key].default);
  return text === '' ? texts.empty : text;
}

/** One line summing up type, default and range, e.g. "uint (s) · default 600 · 0–4294967295". */
export function tunableSummary(key: TunableKey, texts: LanguageTexts = EN): string {
  const spec: TunableSpec<unknown> = TUNABLES[key];
  const type = spec.unit ? `${spec.type} (${spec.unit})` : spec.type;
  const parts = [type, `${texts.defaultWord} ${shownDefault(key, texts)}`];
  if (spec.min !== undefined && spec.max !== undefined) {
    const show = (n: number) => (spec.type === 'octal' ? '0' + n.toString(8) : String(n));
    parts.push(`${show(spec.min)}–${show(spec.max)}`);
  }
  return parts.join(' · ');
}

/** Markdown documentation of a tunable for hovers and completion items. */
export function tunableMarkdown(key: TunableKey, texts: LanguageTexts = EN): string {
  return `**${key}** — ${tunableSummary(key, texts)}\n\n${texts.doc(key)}`;
}

/** Markdown documentation of the `user =` line. */
export function userMarkdown(texts: LanguageTexts = EN): string {
  const [first, ...rest] = texts.userDoc;
  return [`**user** — \`name:scrypt-hash:perms[:root]\`, ${first}`, ...rest].join('\n');
}
