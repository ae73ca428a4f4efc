import type { ConflictRule, NewJob, SiteRef } from '../../../core/fxp';
import { baseName, isSameOrInside, joinPath, parentPath, RemoteLocation } from '../../explorer/model/site-uri';

/** A remote file or folder that was dragged (or picked for "Copy to Site…"). */
export interface DropSource {
  location: RemoteLocation;
  folder: boolean;
  size?: number;
}

/** One source and the path it gets in the target folder. */
export interface PlannedItem {
  source: DropSource;
  target: RemoteLocation;
  /** The target folder already holds this name. */
  exists: boolean;
}

/** Why an item is left alone. */
export type RefusalReason = 'same-place' | 'into-itself' | 'duplicate-name';

/** What a drop does: copies between sites, moves within one, and what it leaves alone. */
export interface DropPlan {
  /** Items that become FXP jobs (a folder: its whole tree). */
  copies: PlannedItem[];
  /** Items of the target's own site that are renamed into the folder (RNFR/RNTO). */
  moves: PlannedItem[];
  refused: { source: DropSource; reason: RefusalReason }[];
}

/** How items of the target's own site are handled: a drop moves them, "Copy to Site…" copies them. */
export type SameSiteMode = 'move' | 'copy';

/** The folder a drop on `target` lands in: a folder (or site) itself, a file's parent. */
export function dropFolder(target: DropSource): RemoteLocation {
  return target.folder ? target.location : { siteId: target.location.siteId, path: parentPath(target.location.path) };
}

/** Drops sources that another dragged folder of the same site already contains (a folder copy takes its tree along). */
function outermost(sources: DropSource[]): DropSource[] {
  const unique = sources.filter((s, i) => sources.findIndex((o) => o.location.siteId === s.location.siteId && o.location.path === s.location.path) === i);
  return unique.filter(
    (s) => !unique.some((o) => o !== s && o.folder && o.location.siteId === s.location.siteId && o.location.path !== s.location.path && isSameOrInside(s.location.path, o.location.path)),
  );
}

/** Why `source` cannot go into `folder` (undefined when it can). */
function refusal(source: DropSource, folder: RemoteLocation, target: RemoteLocation): RefusalReason | undefined {
  if (source.location.siteId !== folder.siteId) return undefined;
  if (target.path === source.location.path) return 'same-place';
  // A folder copied or moved below itself would never end (RFC 959 RNTO gives no such guard on most servers).
  if (source.folder && isSameOrInside(folder.path, source.location.path)) return 'into-itself';
  return undefined;
}

/**
 * Plans a drop of `sources` onto `folder`. Each item keeps its name in the folder; items of
 * another site are copied, items of the folder's own site are moved (or copied, for "Copy to
 * Site…"). `existingNames` are the names the folder holds now, for the one conflict question.
 */
export function planDrop(sources: DropSource[], folder: RemoteLocation, existingNames: ReadonlySet<string>, sameSite: SameSiteMode = 'move'): DropPlan {
  const plan: DropPlan = { copies: [], moves: [], refused: [] };
  const names = new Set<string>();
  for (const source of outermost(sources)) {
    const name = baseName(source.location.path);
    const target = { siteId: folder.siteId, path: joinPath(folder.path, name) };
    const reason = refusal(source, folder, target) ?? (names.has(name) ? 'duplicate-name' : undefined);
    if (reason) {
      plan.refused.push({ source, reason });
      continue;
    }
    names.add(name);
    const move = source.location.siteId === folder.siteId && sameSite === 'move';
    (move ? plan.moves : plan.copies).push({ source, target, exists: existingNames.has(name) });
  }
  return plan;
}

/** The queue's jobs for planned copies: one per file, one folder spec per folder (the queue walks it). */
export interface CopySpecs {
  files: NewJob[];
  folders: NewJob[];
}

/** Turns planned copies into queue specs; `siteRef` gives the queue's form of a saved site. */
export function copySpecs(items: readonly PlannedItem[], siteRef: (siteId: string) => SiteRef, options: { conflict: ConflictRule; allowRelay: boolean }): CopySpecs {
  const specs: CopySpecs = { files: [], folders: [] };
  for (const { source, target } of items) {
    const spec: NewJob = {
      source: { site: siteRef(source.location.siteId), path: source.location.path },
      target: { site: siteRef(target.siteId), path: target.path },
      conflict: options.conflict,
      allowRelay: options.allowRelay,
    };
    (source.folder ? specs.folders : specs.files).push(spec);
  }
  return specs;
}
