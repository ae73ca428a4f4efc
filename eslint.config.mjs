// ESLint flat config: TypeScript's recommended rules, a guard that keeps src/core and the models free of vscode,
// and one that keeps the webview pages (browser code) free of vscode and Node modules.
import tseslint from 'typescript-eslint';

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
    files: ['src/core/**/*.ts', 'src/vscode/explorer/model/**/*.ts', 'src/vscode/fxp/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core and src/vscode/*/model run in plain Node: no vscode imports.' }] }],
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
