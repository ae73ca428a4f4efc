import type { PanelStrings } from './panel-strings';

/** Where the page's files are, as webview URIs, and what it is told at start. */
export interface PanelPage {
  /** `webview.cspSource`: the origin the page's own files come from. */
  cspSource: string;
  /** Fresh for every page: only the script carrying it may run. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  codiconUri: string;
  strings: PanelStrings;
  /** vscode.env.language, for the page's lang attribute (screen readers pick their voice by it). */
  lang: string;
}

/** The id of the JSON block with the translated words (read by the page's script). */
export const STRINGS_ELEMENT_ID = 'ferry-fxp-strings';

/** Escapes text for an HTML attribute value. */
function attribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * JSON that can sit inside a <script> element: "<" is written as \u003c, so no "</script>" or
 * "<!--" in a translation can end the block early.
 */
function inertJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The Content Security Policy of the panel: nothing by default; scripts only with this page's
 * nonce; styles and fonts only from the extension's own files. No 'unsafe-inline' for styles:
 * the elements library styles its shadow roots with constructed style sheets and sets element
 * styles through the CSSOM, which style-src does not govern.
 */
export function panelCsp(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `font-src ${cspSource}`, `img-src ${cspSource}`].join('; ');
}

/** The panel's HTML. The words travel as an inert JSON block (type application/json is never executed). */
export function panelHtml(page: PanelPage): string {
  return `<!DOCTYPE html>
<html lang="${attribute(page.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(panelCsp(page.cspSource, page.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(page.codiconUri)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${attribute(page.styleUri)}">
</head>
<body>
<div id="root" class="fxp-queue"></div>
<script type="application/json" id="${STRINGS_ELEMENT_ID}">${inertJson(page.strings)}</script>
<script nonce="${attribute(page.nonce)}" src="${attribute(page.scriptUri)}"></script>
</body>
</html>`;
}
