import ignore from 'ignore';

/** True when the entry at `relative` (posix, below the folder being transferred) is left out. */
export type ExcludeTest = (relative: string, directory: boolean) => boolean;

/**
 * A test for gitignore-style patterns (`node_modules`, `*.log`, `build/`, `!keep.log`), as the
 * `ignore` package reads .gitignore files: a pattern without a slash matches at any depth, a
 * trailing slash matches only directories, and an excluded directory is not walked at all.
 * Paths are relative to the folder being uploaded, downloaded or copied. Undefined: no patterns.
 */
export function excludeTest(patterns: readonly string[] | undefined): ExcludeTest | undefined {
  const usable = (patterns ?? []).map((p) => p.trim()).filter((p) => p !== '' && !p.startsWith('#'));
  if (usable.length === 0) return undefined;
  const matcher = ignore().add(usable);
  return (relative, directory) => {
    const clean = relative.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
    return clean !== '' && matcher.ignores(directory ? `${clean}/` : clean);
  };
}
