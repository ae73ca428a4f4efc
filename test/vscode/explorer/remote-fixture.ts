import type { SiteSettings } from '../../../src/core/client';
import { RemoteFs } from '../../../src/vscode/explorer/model/remote-fs';
import { SiteClients } from '../../../src/vscode/explorer/model/site-clients';
import { TEST_PASSWORD, TEST_USER } from '../../helpers/ferry-server';

/** Client settings for a loopback test server as the explorer would build them from a saved site. */
export function loopbackSite(port: number, extra: Partial<SiteSettings> = {}): SiteSettings {
  return { host: '127.0.0.1', port, user: TEST_USER, password: TEST_PASSWORD, dataMode: 'passive', keepaliveMs: 0, maxConnections: 2, ...extra };
}

/** The explorer's model over named sites (site id → settings), with a long cache so invalidation is what is tested. */
export function explorerModel(sites: Record<string, SiteSettings>, cacheTtlMs = 60_000): { clients: SiteClients; fs: RemoteFs; log: string[] } {
  const clients = new SiteClients(async (id) => {
    const settings = sites[id];
    if (!settings) throw new Error(`no site ${id}`);
    return settings;
  });
  const log: string[] = [];
  return { clients, fs: new RemoteFs(clients, () => cacheTtlMs, (line) => log.push(line)), log };
}
