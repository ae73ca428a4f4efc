import { defaultPort } from '../../../core/client/settings';
import type { SiteRef } from '../../../core/fxp';
import { SiteConfig, toSiteSettings } from '../../explorer/model/site-config';

/**
 * A saved site as the queue file keeps it: every connection setting but the password (which
 * stays in SecretStorage and is looked up by `siteId` when a job runs), plus the display name.
 */
export function siteRefOf(site: SiteConfig): SiteRef {
  const { host, port, user, tls, dataMode, certificate, activeAddress, activePortRange, encoding } = toSiteSettings(site, undefined);
  const ref: SiteRef = { host, port, user, tls, dataMode, certificate, activeAddress, activePortRange, encoding, siteId: site.id, name: site.name };
  // Undefined fields would be written as nothing anyway; leaving them out keeps equality checks simple.
  return Object.fromEntries(Object.entries(ref).filter(([, value]) => value !== undefined)) as SiteRef;
}

/**
 * The saved site a queued site stands for: by `siteId` when the editor queued it, else (a job
 * added with `ferry queue add`) the first saved site with the same host, port and user.
 */
export function savedSiteOf(ref: SiteRef, sites: readonly SiteConfig[]): SiteConfig | undefined {
  if (ref.siteId) return sites.find((s) => s.id === ref.siteId);
  return sites.find((s) => s.host === ref.host && defaultPort({ host: s.host, port: s.port, tls: s.tls }) === defaultPort(ref) && (s.user ?? '') === (ref.user ?? ''));
}
