// Bundles the extension (loaded by VS Code), its two helper processes, the `ferry` CLI and the FXP Queue webview into dist/.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const webpack = require('webpack');
const { BUDGETS, checkBundles } = require('./scripts/check-bundles');

/**
 * Puts node-gyp's build of the native data path (native/ferry_io.c, Linux) next to the bundles, where
 * src/core/native/native-io.ts looks for it. Without it (another OS, no compiler) Ferry uses its
 * JavaScript data path, so a missing addon is not an error.
 */
class CopyNativeAddon {
  apply(compiler) {
    compiler.hooks.afterEmit.tap('CopyNativeAddon', () => {
      const built = path.resolve(__dirname, 'build/Release/ferry_io.node');
      if (fs.existsSync(built)) fs.copyFileSync(built, path.resolve(__dirname, 'dist/ferry_io.node'));
    });
  }
}

/** iconv-lite's double-byte code tables (GBK, Big5, Shift_JIS, EUC-JP, EUC-KR), about 110 KB of JSON. */
const ICONV_TABLES = path.dirname(require.resolve('iconv-lite/encodings/tables/cp936.json'));

/**
 * iconv-lite require()s a code table only when its encoding is first used: leaving those
 * require()s to Node at run time (dist/iconv-tables/, written by IconvTables) keeps the tables
 * out of every bundle, and a site that never uses a double-byte encoding never reads them.
 */
function iconvTablesExternal({ context, request }, callback) {
  if (request.startsWith('./tables/') && path.resolve(context) === path.dirname(ICONV_TABLES)) {
    return callback(null, `commonjs ./iconv-tables/${path.basename(request)}`);
  }
  callback();
}

/** Writes iconv-lite's code tables to dist/iconv-tables/ (as assets, without their whitespace). */
class IconvTables {
  apply(compiler) {
    compiler.hooks.thisCompilation.tap('IconvTables', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'IconvTables', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        for (const name of fs.readdirSync(ICONV_TABLES).filter((file) => file.endsWith('.json'))) {
          const json = JSON.stringify(JSON.parse(fs.readFileSync(path.join(ICONV_TABLES, name), 'utf8')));
          compilation.emitAsset(`iconv-tables/${name}`, new webpack.sources.RawSource(json));
        }
      });
    });
  }
}

/**
 * iconv-lite's list of codec families without UTF-7, UTF-16 (with BOM) and UTF-32, which no
 * site name encoding uses (src/core/client/name-encodings.ts).
 */
const iconvFamilies = new webpack.NormalModuleReplacementPlugin(/iconv-lite[\\/]encodings[\\/]index\.js$/, path.resolve(__dirname, 'scripts/iconv-families.js'));

/**
 * Fails a production build whose bundle is over its budget or carries modules it must not
 * (scripts/check-bundles.js): the workbench tests build this way, so `npm test` catches it.
 */
class BundleBudget {
  apply(compiler) {
    compiler.hooks.afterEmit.tap('BundleBudget', (compilation) => {
      const file = `${compiler.options.name}.js`;
      if (compiler.options.mode !== 'production' || !BUDGETS[file]) return;
      for (const problem of checkBundles(compiler.options.output.path, [file]).problems) compilation.errors.push(new webpack.WebpackError(problem));
    });
  }
}

/** @type {(entry: string, extra?: object) => import('webpack').Configuration} */
const bundle = (name, entry, extra = {}) => ({
  name,
  target: 'node',
  mode: 'none',
  entry: { [name]: entry },
  // Lazily imported modules (the language client, selfsigned) become chunks named after their bundle, so bundles never overwrite each other's.
  output: { path: path.resolve(__dirname, 'dist'), filename: '[name].js', chunkFilename: `${name}.[id].js`, libraryTarget: 'commonjs2' },
  externals: [{ vscode: 'commonjs vscode' }, iconvTablesExternal],
  resolve: { extensions: ['.ts', '.js'] },
  module: { rules: [{ test: /\.ts$/, exclude: /node_modules/, use: [{ loader: 'ts-loader', options: { configFile: 'tsconfig.build.json' } }] }] },
  devtool: 'nosources-source-map',
  ...extra,
  plugins: [new CopyNativeAddon(), new IconvTables(), iconvFamilies, new BundleBudget(), ...(extra.plugins ?? [])],
});

/** Files the FXP Queue webview loads besides its script: the codicon font and its css, and the panel's stylesheet. */
const WEBVIEW_ASSETS = {
  'codicon.css': require.resolve('@vscode/codicons/dist/codicon.css'),
  'codicon.ttf': require.resolve('@vscode/codicons/dist/codicon.ttf'),
  'fxp-queue.css': path.resolve(__dirname, 'src/webview/fxp-queue/fxp-queue.css'),
};

/** Emits WEBVIEW_ASSETS next to the webview bundle (as webpack assets, so `--watch` follows them too). */
class WebviewAssets {
  apply(compiler) {
    compiler.hooks.thisCompilation.tap('WebviewAssets', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'WebviewAssets', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        for (const [name, file] of Object.entries(WEBVIEW_ASSETS)) {
          compilation.fileDependencies.add(file);
          compilation.emitAsset(name, new webpack.sources.RawSource(fs.readFileSync(file)));
        }
      });
    });
  }
}

/**
 * The FXP Queue panel's page script (a browser bundle with the vscode-elements it uses). The
 * TypeScript is emitted as ES modules here so webpack links lit's modules statically.
 * @type {import('webpack').Configuration}
 */
const webview = {
  name: 'webview',
  target: 'web',
  mode: 'none',
  entry: { 'fxp-queue': './src/webview/fxp-queue/main.ts' },
  output: { path: path.resolve(__dirname, 'dist/webview'), filename: '[name].js' },
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        use: [{ loader: 'ts-loader', options: { configFile: 'tsconfig.webview.json', onlyCompileBundledFiles: true, compilerOptions: { module: 'es2020', moduleResolution: 'bundler' } } }],
      },
    ],
  },
  devtool: 'nosources-source-map',
  performance: { hints: false },
  plugins: [new webpack.optimize.LimitChunkCountPlugin({ maxChunks: 1 }), new WebviewAssets()],
};

module.exports = [
  bundle('extension', './src/extension.ts'),
  // Separate processes: the mini_ftpd.conf language server, the Serve command's FTP server and the FXP queue.
  bundle('language-server', './src/language/server.ts'),
  bundle('server-child', './src/vscode/server/server-child.ts'),
  bundle('queue-child', './src/vscode/fxp/queue-child.ts'),
  bundle('cli', './src/cli.ts', {
    plugins: [new webpack.BannerPlugin({ banner: '#!/usr/bin/env node', raw: true, entryOnly: true })],
  }),
  webview,
];
