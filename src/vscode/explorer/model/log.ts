/** The levels of a vscode.LogOutputChannel that Ferry uses (structurally, so plain Node can log too). */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that prefixes every line with `[component]`, e.g. "[fs] stat /www". */
export function tagged(log: Logger, component: string): Logger {
  const tag = `[${component}] `;
  return {
    debug: (m) => log.debug(tag + m),
    info: (m) => log.info(tag + m),
    warn: (m) => log.warn(tag + m),
    error: (m) => log.error(tag + m),
  };
}
