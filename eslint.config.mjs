// ESLint flat config: TypeScript's recommended rules, a guard that keeps src/core and the models free of vscode,
// and one that keeps the webview pages (browser code) free of vscode and Node modules.
import tseslint from 'typescript-eslint';

const NO_VSCODE = { name: 'vscode', message: 'src/core and src/vscode/*/model run in plain Node: no vscode imports.' };

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
    files: ['src/core/**/*.ts', 'src/vscode/explorer/model/**/*.ts', 'src/vscode/fxp/model/**/*.ts', 'src/vscode/server/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [NO_VSCODE] }],
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
          patterns: [{ group: banned.flatMap((b) => [`../${b}`, `../${b}/*`, `../../${b}/*`]), message: `src/core/${room} may not import ${banned.join(', ')}: shared code belongs in core/data or core/protocol.` }],
        },
      ],
    },
  })),
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
