import type { ConflictRule } from '../../../core/client/conflicts';

/** One answer to "the target exists": the rule, and whether it holds for the rest of the transfer. */
export interface ConflictAnswer {
  rule: ConflictRule;
  all: boolean;
}

/** What a transfer was told, kept with an interrupted transfer so its resume does the same. */
export interface SavedAnswers {
  all?: ConflictRule;
  byPath: Record<string, ConflictRule>;
}

/**
 * The answers of one transfer job. Questions come one at a time (a folder transfer runs several
 * files at once), each target is asked about once (a retry after a dropped connection, or a
 * resume, gets the first answer again), "apply to all" answers the rest, and a dismissed
 * question stops the transfer: every later question gets no answer without asking.
 */
export class ConflictAnswers {
  private all?: ConflictRule;
  private readonly byPath = new Map<string, ConflictRule>();
  private stopped = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ask: (targetPath: string) => Promise<ConflictAnswer | undefined>,
    saved?: SavedAnswers,
  ) {
    this.all = saved?.all;
    for (const [target, rule] of Object.entries(saved?.byPath ?? {})) this.byPath.set(target, rule);
  }

  /** The rule for `targetPath`, asking when nothing answers it yet; undefined when the user dismissed a question. */
  rule(targetPath: string): Promise<ConflictRule | undefined> {
    const next = this.queue.then(() => this.answer(targetPath));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async answer(targetPath: string): Promise<ConflictRule | undefined> {
    const known = this.byPath.get(targetPath) ?? this.all;
    if (known || this.stopped) return known;
    const answer = await this.ask(targetPath);
    if (!answer) {
      this.stopped = true;
      return undefined;
    }
    this.byPath.set(targetPath, answer.rule);
    if (answer.all) this.all = answer.rule;
    return answer.rule;
  }

  /** The answers so far, to persist with an interrupted transfer. */
  saved(): SavedAnswers {
    return { all: this.all, byPath: Object.fromEntries(this.byPath) };
  }
}
