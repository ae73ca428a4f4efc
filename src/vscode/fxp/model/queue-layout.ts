import type { CopyJob } from '../../../core/fxp';

/** Where a line sits among its siblings (top level, or the files of one group), for aria-posinset/aria-setsize. */
interface Position {
  /** 0-based. */
  pos: number;
  size: number;
}

/** One line of the panel's list: a folder group's header, or a job (inside an expanded group or on its own). */
export type LayoutEntry = ({ kind: 'group'; id: string } | { kind: 'job'; id: string; grouped: boolean }) & Position;

/** The list's lines and, per folder group, its files in queue order. */
export interface QueueLayout {
  entries: LayoutEntry[];
  groupJobs: Map<string, string[]>;
}

/**
 * Lays the queue out as lines, in queue order. A folder group's header takes the place of its
 * first file; its files follow only while it is expanded. A job naming a group the panel does
 * not know (not sent yet) stands on its own until the group arrives.
 */
export function layoutQueue(order: readonly string[], jobs: ReadonlyMap<string, CopyJob>, knownGroups: ReadonlySet<string>, expanded: ReadonlySet<string>): QueueLayout {
  const groupJobs = new Map<string, string[]>();
  const topLevel: LayoutEntry[] = [];
  for (const id of order) {
    const group = jobs.get(id)?.group;
    if (group === undefined || !knownGroups.has(group)) {
      topLevel.push({ kind: 'job', id, grouped: false, pos: topLevel.length, size: 0 });
      continue;
    }
    const files = groupJobs.get(group);
    if (files) files.push(id);
    else {
      groupJobs.set(group, [id]);
      topLevel.push({ kind: 'group', id: group, pos: topLevel.length, size: 0 });
    }
  }
  const entries: LayoutEntry[] = [];
  for (const entry of topLevel) {
    entry.size = topLevel.length;
    entries.push(entry);
    if (entry.kind !== 'group' || !expanded.has(entry.id)) continue;
    const files = groupJobs.get(entry.id) ?? [];
    files.forEach((id, pos) => entries.push({ kind: 'job', id, grouped: true, pos, size: files.length }));
  }
  return { entries, groupJobs };
}

/** The key a line is rendered under: rows are reused by key when the list moves. */
export function entryKey(entry: LayoutEntry): string {
  return entry.kind === 'group' ? `g:${entry.id}` : `j:${entry.id}`;
}
