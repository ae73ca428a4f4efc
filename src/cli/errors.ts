import { FerryClientError } from '../core/client';
import { ConfigError } from '../core/server';
import { UsageError } from './args';

/** One line for any error a command ends with: config problems, usage, client failures. */
export function formatCliError(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  if (err instanceof UsageError) return `usage error: ${err.message} (see ferry --help)`;
  if (err instanceof FerryClientError) return err.describe();
  return (err as Error)?.message ?? String(err);
}
