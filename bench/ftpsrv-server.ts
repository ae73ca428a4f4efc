/**
 * Child process that runs ftp-srv (the competitor) for the benchmark:
 *   node out/bench/ftpsrv-server.js PORT ROOT USER PASS PASV_MIN PASV_MAX
 * Prints "ready" once listening. Logging is at "warn" so it costs what the others' do.
 */
import FtpSrv from 'ftp-srv';
import * as path from 'node:path';

// bunyan is ftp-srv's own dependency; a quiet logger keeps per-command logging out of the numbers.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bunyan = require(require.resolve('bunyan', { paths: [path.dirname(require.resolve('ftp-srv'))] })) as {
  createLogger(o: { name: string; level: string }): unknown;
};

const [port, root, user, pass, pasvMin, pasvMax] = process.argv.slice(2);
const server = new FtpSrv({
  url: `ftp://127.0.0.1:${port}`,
  pasv_url: '127.0.0.1',
  pasv_min: Number(pasvMin),
  pasv_max: Number(pasvMax),
  anonymous: false,
  greeting: 'ftp-srv bench ready',
  log: bunyan.createLogger({ name: 'ftp-srv', level: 'warn' }),
});
server.on('login', ({ username, password }, resolve, reject) => {
  if (username === user && password === pass) resolve({ root });
  else reject(new Error('bad login'));
});
server.on('client-error', () => undefined);
void Promise.resolve(server.listen()).then(() => console.log('ready'));
