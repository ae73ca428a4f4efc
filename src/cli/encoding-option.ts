import { NAME_ENCODINGS, NameEncoding, nameEncodingList, parseNameEncoding } from '../core/client';
import { UsageError } from './args';

/** The name encodings for --help, wrapped to the usage text's width. */
export function encodingHelp(indent: string): string {
  const lines: string[] = [];
  let line = `${indent}name encodings: auto (default: UTF-8, hints at GBK & co.), `;
  for (const { name } of NAME_ENCODINGS.slice(1)) {
    if (line.length + name.length > 110) {
      lines.push(line.trimEnd());
      line = `${indent}  `;
    }
    line += `${name}, `;
  }
  lines.push(line.replace(/, $/, ''));
  return lines.join('\n');
}

/** The value of an encoding flag (`--encoding gbk`), or undefined when the flag is absent. */
export function encodingOption(options: Map<string, string[]>, flag: string): NameEncoding | undefined {
  const value = options.get(flag)?.[0];
  if (value === undefined) return undefined;
  const encoding = parseNameEncoding(value);
  if (!encoding) throw new UsageError(`--${flag}: unknown encoding "${value}"; use one of ${nameEncodingList()}`);
  return encoding;
}
