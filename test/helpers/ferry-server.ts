import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashPassword, ServerHandle, startServer, Tunables, UserAccount } from '../../src/core/server';

export const TEST_USER = 'tester';
export const TEST_PASSWORD = 'secret';

let cachedHash: string | undefined;
/** The scrypt hash of TEST_PASSWORD, computed once per test run. */
export async function testPasswordHash(): Promise<string> {
  cachedHash ??= await hashPassword(TEST_PASSWORD);
  return cachedHash;
}

export interface TestServer {
  server: ServerHandle;
  root: string;
  /** Where a generated TLS certificate is kept (server-cert.pem). */
  stateDir: string;
  port: number;
  /** ftp://tester:secret@127.0.0.1:port */
  url: string;
  stop(): Promise<void>;
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'ferry-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Starts Ferry's server on 127.0.0.1 with an ephemeral port, a temporary root and the user
 * tester/secret with all permissions. `tunables` and `users` add to or override that.
 */
export async function startTestServer(options: { tunables?: Partial<Tunables>; users?: UserAccount[]; root?: string } = {}): Promise<TestServer> {
  const root = options.root ?? tempDir();
  const stateDir = tempDir('ferry-state-');
  const users = options.users ?? [{ name: TEST_USER, passwordHash: await testPasswordHash(), perms: 'elradfmwMT' }];
  const server = await startServer({ root, users, stateDir, tunables: { listen_address: '127.0.0.1', listen_port: 0, ...options.tunables } });
  const port = server.address.port;
  return {
    server,
    root,
    stateDir,
    port,
    url: `ftp://${TEST_USER}:${TEST_PASSWORD}@127.0.0.1:${port}`,
    stop: async () => {
      await server.close();
      if (!options.root) rmSync(root, { recursive: true, force: true });
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` against a fresh test server, stopped afterwards whatever happens. */
export async function withTestServer(options: Parameters<typeof startTestServer>[0], fn: (t: TestServer) => Promise<void>): Promise<void> {
  const t = await startTestServer(options);
  try {
    await fn(t);
  } finally {
    await t.stop();
  }
}
