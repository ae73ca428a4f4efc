import * as vscode from 'vscode';
import { readSites } from './model/site-config';

/**
 * The patterns left out of a folder transfer with `siteId`: the `ferry.transfers.exclude` setting,
 * then the site's own list (imported from sftp.json's `ignore`). Read at each transfer, so a
 * change applies to the next one without a reload.
 */
export function transferExcludes(siteId: string | undefined): string[] {
  const shared = vscode.workspace.getConfiguration('ferry.transfers').get<unknown>('exclude', []);
  const site = siteId === undefined ? undefined : readSites(vscode.workspace.getConfiguration('ferry').get('sites')).sites.find((s) => s.id === siteId);
  return [...(Array.isArray(shared) ? shared.filter((p): p is string => typeof p === 'string') : []), ...(site?.exclude ?? [])];
}
