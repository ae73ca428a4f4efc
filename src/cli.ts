#!/usr/bin/env node
import { CLIENT_COMMAND_NAMES, CLIENT_USAGE, clientCommand } from './cli/client-commands';
import { hashPasswordCommand } from './cli/hash-password';
import { formatCliError } from './cli/errors';
import { FXP_USAGE, fxpCommand, queueCommand } from './cli/fxp-commands';
import { SERVE_USAGE, serveCommand } from './cli/serve';

const USAGE = `usage: ferry <command> [arguments]

${SERVE_USAGE}

ferry hash-password [PASSWORD]   print an scrypt hash for a "user = name:HASH:perms" line (reads stdin without PASSWORD)

${CLIENT_USAGE}

${FXP_USAGE}`;

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  serve: serveCommand,
  'hash-password': hashPasswordCommand,
  fxp: fxpCommand,
  queue: queueCommand,
  ...Object.fromEntries(CLIENT_COMMAND_NAMES.map((name) => [name, (argv: string[]) => clientCommand(name, argv)])),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`ferry: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  try {
    await command(rest);
    return 0;
  } catch (err) {
    console.error(`ferry ${name}: ${formatCliError(err)}`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
