/** Command ids of the Serve feature (declared in package.json's contributes.commands). */
export const START_COMMAND = 'ferry.server.start';
export const STOP_COMMAND = 'ferry.server.stop';
export const RESTART_COMMAND = 'ferry.server.restart';
export const MENU_COMMAND = 'ferry.server.menu';
export const COPY_URL_COMMAND = 'ferry.server.copyUrl';
export const COPY_PASSWORD_COMMAND = 'ferry.server.copyPassword';
export const SHOW_SESSIONS_COMMAND = 'ferry.server.showSessions';
export const OPEN_CONFIG_COMMAND = 'ferry.server.openConfig';
export const DISCONNECT_COMMAND = 'ferry.server.disconnect';
/** Not in the palette: returns what the Server Sessions view shows, for tests and automation. */
export const SESSION_ITEMS_COMMAND = 'ferry.server.sessionItems';
/** View id of "Server Sessions". */
export const SESSIONS_VIEW = 'ferry.serverSessions';
