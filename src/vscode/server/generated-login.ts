import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { UserAccount } from '../../core/server';
import { hashPassword } from '../../core/server/password';
import { ALL_PERMISSIONS } from '../../core/server/permissions';

/** Name of the user the Serve command creates when the configuration has none. */
export const GENERATED_USER = 'ferry';
const SECRET_KEY = 'ferry.server.generatedPassword';

/** The generated login: the password lives only in SecretStorage, the server gets its scrypt hash. */
export interface GeneratedLogin {
  user: UserAccount;
  password: string;
}

/** The generated user's password, created on first use and kept in SecretStorage from then on. */
export async function generatedLogin(secrets: vscode.SecretStorage): Promise<GeneratedLogin> {
  let password = await secrets.get(SECRET_KEY);
  if (!password) {
    password = randomBytes(12).toString('base64url');
    await secrets.store(SECRET_KEY, password);
  }
  return { password, user: { name: GENERATED_USER, passwordHash: await hashPassword(password), perms: ALL_PERMISSIONS } };
}
