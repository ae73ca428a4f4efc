import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import { ConfigProblem, parseConfig } from '../core/server/config';
import { closestMatches } from './suggest';
import { EN, LanguageTexts } from './texts';
import { knownKeys } from './tunable-docs';

/** Shown as the source of every diagnostic. */
export const DIAGNOSTIC_SOURCE = 'mini_ftpd.conf';

/** What an unknown-key diagnostic carries for its "did you mean" quick fix. */
export interface UnknownKeyData {
  suggestions: string[];
}

/** The diagnostics this server publishes always have a plain-text message. */
export type ConfigDiagnostic = Diagnostic & { message: string };

/**
 * Diagnostics of a mini_ftpd.conf text: exactly the problems the server's own parser reports
 * (so the editor and `ferry serve` never disagree), placed on the key or value at fault.
 */
export function computeDiagnostics(text: string, texts: LanguageTexts = EN): ConfigDiagnostic[] {
  const lines = text.split(/\r?\n/);
  return parseConfig(text).problems.map((problem) => toDiagnostic(problem, lines, texts));
}

function toDiagnostic(problem: ConfigProblem, lines: string[], texts: LanguageTexts): ConfigDiagnostic {
  // Line 0 (a problem without a line) cannot happen for text input; keep it on the first line anyway.
  const line = Math.max(problem.line, 1) - 1;
  const raw = lines[line] ?? '';
  let [start, end] = problem.columns ?? [0, raw.length];
  // An empty value has an empty range, which the editor would barely show: mark the line instead.
  if (start === end) [start, end] = [raw.length - raw.trimStart().length, raw.trimEnd().length];
  const diagnostic: ConfigDiagnostic = {
    range: { start: { line, character: start }, end: { line, character: end } },
    severity: DiagnosticSeverity.Error,
    source: DIAGNOSTIC_SOURCE,
    message: texts.problem(problem.message),
    code: problem.kind,
  };
  if (problem.kind === 'unknown-key') {
    const suggestions = closestMatches(raw.slice(start, end), knownKeys());
    const data: UnknownKeyData = { suggestions };
    diagnostic.data = data;
    if (suggestions.length > 0) diagnostic.message += texts.didYouMean(suggestions.map((s) => `"${s}"`));
  }
  return diagnostic;
}
