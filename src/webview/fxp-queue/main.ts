/**
 * Entry of the FXP Queue webview (bundled by webpack, target web): registers the elements the
 * panel uses, builds the renderer, and connects it to the extension with the ready handshake.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import type { PanelStrings } from '../../vscode/fxp/model/panel-strings';
import { STRINGS_ELEMENT_ID } from '../../vscode/fxp/model/queue-html';
import { parsePanelState } from '../../vscode/fxp/model/queue-messages';
import type { HostMessage, PanelState, WebviewMessage } from '../../vscode/fxp/model/queue-protocol';
import { createQueueView } from './queue-renderer';

/** The API VS Code gives a webview's script (callable once). */
declare function acquireVsCodeApi(): { postMessage(message: WebviewMessage): void; getState(): unknown; setState(state: PanelState): void };

/** How long scrolling may go on before its position is saved (setState on every scroll event is wasted work). */
const SAVE_DELAY_MS = 250;

const vscode = acquireVsCodeApi();
const strings = JSON.parse(document.getElementById(STRINGS_ELEMENT_ID)?.textContent ?? '{}') as PanelStrings;
const restored = parsePanelState(vscode.getState());
let saveTimer: ReturnType<typeof setTimeout> | undefined;

const view = createQueueView(document.getElementById('root') ?? document.body, (message) => vscode.postMessage(message), {
  strings,
  state: restored,
  onStateChange: (state) => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => vscode.setState(state), SAVE_DELAY_MS);
  },
});

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  if (typeof message === 'object' && message !== null && typeof message.type === 'string') view.handleMessage(message);
});
window.addEventListener('resize', () => view.refreshWindow());
vscode.postMessage({ type: 'ready', state: restored });
