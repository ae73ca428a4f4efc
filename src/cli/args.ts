/** A small, strict command-line parser: unknown options are errors, never ignored. */
export interface OptionSpec {
  /** Takes a value (`--port 21` or `--port=21`). */
  value?: boolean;
  /** May be given several times; values are collected. */
  repeat?: boolean;
  /** One-letter alias used with a single dash (`-r`). */
  short?: string;
  /** The value is optional and only taken with `=` (`--active` or `--active=ADDR`). */
  optionalValue?: boolean;
}

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string[]>;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], specs: Record<string, OptionSpec>): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (/^-[A-Za-z]$/.test(arg)) {
      const name = Object.keys(specs).find((key) => specs[key].short === arg[1]);
      if (!name) throw new UsageError(`unknown option ${arg}`);
      argv = [...argv.slice(0, i), `--${name}`, ...argv.slice(i + 1)];
      i--;
      continue;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option --${name}`);
    let value = 'true';
    if (spec.optionalValue) {
      if (eq >= 0) value = arg.slice(eq + 1);
    } else if (spec.value) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`--${name} needs a value`);
    } else if (eq >= 0) throw new UsageError(`--${name} takes no value`);
    const list = options.get(name) ?? [];
    if (list.length > 0 && !spec.repeat) throw new UsageError(`--${name} given twice`);
    list.push(value);
    options.set(name, list);
  }
  return { positional, options };
}
