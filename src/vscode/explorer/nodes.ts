import type { ListedEntry } from './model/remote-fs';
import type { SiteConfig } from './model/site-config';
import type { RemoteLocation } from './model/site-uri';

/** A saved site at the top of the tree. */
export interface SiteNode {
  kind: 'site';
  site: SiteConfig;
}

/** A remote file or folder. */
export interface EntryNode {
  kind: 'entry';
  location: RemoteLocation;
  entry: ListedEntry;
}

/** A line explaining why a folder shows nothing (listing failed). */
export interface MessageNode {
  kind: 'message';
  text: string;
  parentId: string;
}

export type Node = SiteNode | EntryNode | MessageNode;

/** True when a command argument is a tree node (VS Code passes the clicked node). */
export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

/** True for nodes that hold other nodes: sites, folders and links to folders. */
export function isContainer(node: Node): node is SiteNode | EntryNode {
  return node.kind === 'site' || (node.kind === 'entry' && (node.entry.type === 'directory' || node.entry.linkToDirectory === true));
}

/** The tree's id of a node: stable across refreshes, so expansion and selection survive. */
export function nodeId(node: Node): string {
  if (node.kind === 'site') return `site:${node.site.id}`;
  if (node.kind === 'entry') return `entry:${node.location.siteId}:${node.location.path}`;
  return `message:${node.parentId}`;
}

/**
 * One collator for every comparison: `localeCompare` with options builds a collator per call, which
 * made sorting a 10 000-entry folder the largest cost of expanding it (bench/README.md, Sites view).
 */
const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Folders first, then by name as people sort (case-insensitive, numbers by value). */
export function compareEntries(a: ListedEntry, b: ListedEntry): number {
  const aDir = a.type === 'directory' || a.linkToDirectory === true;
  const bDir = b.type === 'directory' || b.linkToDirectory === true;
  if (aDir !== bDir) return aDir ? -1 : 1;
  return byName.compare(a.name, b.name);
}
