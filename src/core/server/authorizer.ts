import { parsePasswordHash, VerifiedPasswordCache, verifyPassword } from './password';
import { verificationGate } from './verification-gate';

/** A configured account: `user = name:hash:perms[:root]` in mini_ftpd.conf. */
export interface UserAccount {
  name: string;
  /** `scrypt$...` hash (see password.ts). */
  passwordHash: string;
  /** Permission letters, pyftpdlib style. */
  perms: string;
  /** Absolute root directory for this user; undefined = the server's root. */
  root?: string;
}

export interface AuthorizedUser {
  name: string;
  perms: string;
  root: string;
  anonymous: boolean;
}

export interface AuthorizerOptions {
  users: UserAccount[];
  defaultRoot: string;
  anonymous?: { root: string; perms: string };
}

const ANONYMOUS_NAMES = new Set(['anonymous', 'ftp']);
// A valid hash that no password matches: unknown users pay the same scrypt cost as known ones.
const DECOY_HASH = { N: 1 << 15, r: 8, p: 1, salt: Buffer.alloc(16), key: Buffer.alloc(32) };

/** Decides who may log in, and with which root and permissions. */
export class Authorizer {
  private readonly accounts = new Map<string, UserAccount>();
  private readonly cache = new VerifiedPasswordCache();
  /** Verifications running now, by account and password fingerprint. */
  private readonly verifying = new Map<string, Promise<boolean>>();

  constructor(private readonly options: AuthorizerOptions) {
    for (const account of options.users) this.accounts.set(account.name, account);
  }

  isAnonymousName(name: string): boolean {
    return this.options.anonymous !== undefined && ANONYMOUS_NAMES.has(name.toLowerCase()) && !this.accounts.has(name);
  }

  /**
   * Resolves to the user on success, undefined on a wrong name or password (never says which).
   * Password checks wait their turn at the verification gate, in turn with other `source`s
   * (the client's address, see login-guard.ts); a full queue rejects with VerificationBusyError.
   */
  async authenticate(name: string, password: string, source = ''): Promise<AuthorizedUser | undefined> {
    if (this.isAnonymousName(name)) {
      const anon = this.options.anonymous!;
      return { name, perms: anon.perms, root: anon.root, anonymous: true };
    }
    const account = this.accounts.get(name);
    const hash = account ? parsePasswordHash(account.passwordHash) : undefined;
    if (!account || !hash) {
      await verificationGate.run(source, () => verifyPassword(password, DECOY_HASH));
      return undefined;
    }
    const cacheKey = `${account.name}\0${account.passwordHash}`;
    const ok = this.cache.matches(cacheKey, password) || (await this.verifyOnce(cacheKey, password, hash, source));
    if (!ok) return undefined;
    return { name: account.name, perms: account.perms, root: account.root ?? this.options.defaultRoot, anonymous: false };
  }

  /**
   * One scrypt per (account, password) at a time: logins that arrive together (a client
   * opening several connections at once) share it instead of each holding 32 MiB and a
   * thread-pool thread for tens of milliseconds. Different passwords never share.
   */
  private verifyOnce(cacheKey: string, password: string, hash: NonNullable<ReturnType<typeof parsePasswordHash>>, source: string): Promise<boolean> {
    const key = `${cacheKey}\0${this.cache.fingerprint(password)}`;
    let pending = this.verifying.get(key);
    if (!pending) {
      pending = verificationGate
        .run(source, () => verifyPassword(password, hash))
        .then((ok) => {
          if (ok) this.cache.remember(cacheKey, password);
          return ok;
        })
        .finally(() => this.verifying.delete(key));
      this.verifying.set(key, pending);
    }
    return pending;
  }
}
