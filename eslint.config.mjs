// ESLint flat config: TypeScript's recommended rules, and the rules between the rooms of src/ (README "Layout"):
// src/core and the models free of vscode, the core rooms apart, the CLI and the language server on plain Node,
// and the webview pages (browser code) free of vscode and Node modules.
import tseslint from 'typescript-eslint';

const NO_VSCODE = { name: 'vscode', message: 'src/core, src/cli, src/language and src/vscode/*/model run in plain Node: no vscode imports.' };

/** Import paths of the outer layers (editor, CLI, language server, webview) as any file of src/core spells them. */
const OUTER_LAYERS = ['vscode', 'cli', 'language', 'extension', 'webview'].flatMap((room) => ['../', '../../', '../../../'].flatMap((up) => [`${up}${room}`, `${up}${room}/*`]));
const CORE_IS_INNERMOST = { group: OUTER_LAYERS, message: 'src/core is the innermost layer: it never imports the editor layer, the CLI, the language server or the webview.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'media/**', '*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // The plain-Node models of the editor layer (every src/vscode/*/model): no vscode, and nothing of the
    // editor layer around them (which does import vscode), only other models and src/core.
    files: ['src/vscode/*/model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_VSCODE],
          patterns: [{ regex: '^\\.\\./(?!\\.\\./(\\.\\./core/|[^/]+/model/))', message: 'A model imports only other models (src/vscode/*/model) and src/core: the editor layer around it imports vscode.' }],
        },
      ],
    },
  },
  {
    // Rooms of src/core without a rule of their own below (net, native): only the layer rule.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [NO_VSCODE], patterns: [CORE_IS_INNERMOST] }],
    },
  },
  // The rooms of src/core: client and fxp never reach into the server, the server never into the
  // client or fxp, and the byte-moving room (data) and the protocol table import none of them.
  ...[
    { room: 'client', banned: ['server', 'fxp'] },
    { room: 'fxp', banned: ['server'] },
    { room: 'server', banned: ['client', 'fxp'] },
    { room: 'data', banned: ['server', 'client', 'fxp'] },
    { room: 'protocol', banned: ['server', 'client', 'fxp', 'data'] },
  ].map(({ room, banned }) => ({
    files: [`src/core/${room}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_VSCODE],
          patterns: [
            CORE_IS_INNERMOST,
            { group: banned.flatMap((b) => [`../${b}`, `../${b}/*`, `../../${b}/*`]), message: `src/core/${room} may not import ${banned.join(', ')}: shared code belongs in core/data or core/protocol.` },
          ],
        },
      ],
    },
  })),
  {
    // The CLI runs in plain Node: the core API only, never the editor layer.
    files: ['src/cli.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [NO_VSCODE], patterns: [{ group: ['./vscode/*', '../vscode/*'], message: 'The CLI uses src/core only, never the editor layer.' }] }],
    },
  },
  {
    // The language server is its own Node process (vscode-languageserver, no vscode API). Of src/core it uses
    // only what describes mini_ftpd.conf: the config parser, the tunables table, password hashes, permissions.
    files: ['src/language/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_VSCODE, { name: '../core/server', message: 'The language server imports core/server config, tunables, password and permissions, not the whole server.' }],
          patterns: [
            {
              group: ['../*', '!../core', '../core/*', '!../core/server', '../core/server/*', ...['config', 'tunables', 'tunable-docs-zh-cn', 'password', 'permissions'].map((m) => `!../core/server/${m}`)],
              message: 'The language server imports from src/core only core/server config, tunables (and their Chinese docs), password and permissions.',
            },
          ],
        },
      ],
    },
  },
  {
    // Webview pages run in the browser (DOM types from tsconfig.webview.json): neither vscode nor Node's modules exist there.
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'Webview code talks to the extension with postMessage only.' }],
          patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'tls', 'events', 'stream', 'util', 'buffer'], message: 'Webview code runs in the browser: no Node modules.' }],
        },
      ],
    },
  },
);
