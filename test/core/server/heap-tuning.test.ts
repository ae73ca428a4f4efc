/**
 * tuneHeapForServer keeps V8's young generation at its initial size when many clients log in at
 * once (see src/core/server/process-tuning.ts). Each case runs in a fresh process, since the flag
 * is process-wide: a server, 1000 logged-in idle sessions from this process, then the size of
 * the server process's young generation. Without the tuning it grows: the test can fail.
 */
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as net from 'node:net';
import * as v8 from 'node:v8';
import { startServer, tuneHeapForServer } from '../../../src/core/server';
import { TEST_PASSWORD, TEST_USER, tempDir, testPasswordHash } from '../../helpers/ferry-server';

const SESSIONS = 1000;
const MiB = 1 << 20;

function youngGenerationBytes(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;
}

/** Child side: serve, report the port, then report the young generation's size when asked. */
async function serveAndReport(tuned: boolean): Promise<void> {
  const server = await startServer({
    root: tempDir('ferry-heap-'),
    users: [{ name: TEST_USER, passwordHash: await testPasswordHash(), perms: 'elr' }],
    tunables: { listen_port: 0, maximum_clients: 0, max_conns_per_ip: 0, login_fail_delay_ms: 0 },
  });
  // Start-up (module loading, the server's own start) may already have grown it past 2 MiB.
  const startBytes = youngGenerationBytes();
  if (tuned) tuneHeapForServer(server);
  process.send!({ port: server.address.port });
  process.on('message', () => process.send!({ startBytes, youngBytes: youngGenerationBytes(), sessions: server.sessions().length }));
}


function login(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('error', reject);
    socket.on('data', (d) => {
      text += d.toString();
      if (text.startsWith('220 ') && !text.includes('331')) {
        text += ' 331';
        socket.write(`USER ${TEST_USER}\r\nPASS ${TEST_PASSWORD}\r\n`);
      }
      if (/^230 /m.test(text)) resolve(socket);
    });
  });
}

/** The server process's young generation before and after the burst, in bytes. */
async function youngGenerationAfterBurst(tuned: boolean): Promise<{ startBytes: number; youngBytes: number }> {
  const child = fork(__filename, [], { env: { ...process.env, FERRY_HEAP_CHILD: tuned ? 'tuned' : 'default' } });
  const next = () =>
    new Promise<Record<string, number>>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
    });
  const sockets: net.Socket[] = [];
  try {
    const { port } = await next();
    for (let i = 0; i < SESSIONS; i += 100) sockets.push(...(await Promise.all(Array.from({ length: 100 }, () => login(port)))));
    child.send('report');
    const report = await next();
    assert.equal(report.sessions, SESSIONS);
    return { startBytes: report.startBytes, youngBytes: report.youngBytes };
  } finally {
    for (const s of sockets) s.destroy();
    child.kill();
  }
}

// This file is also the child process's program (outside mocha).
if (process.env.FERRY_HEAP_CHILD) void serveAndReport(process.env.FERRY_HEAP_CHILD === 'tuned');
else describe('server heap tuning for many idle sessions', function () {
  this.timeout(60_000);

  it('keeps the young generation at its size after start-up through a burst of 1000 logins (and it grows without)', async () => {
    const tuned = await youngGenerationAfterBurst(true);
    const untuned = await youngGenerationAfterBurst(false);
    const mib = (n: number) => `${n / MiB} MiB`;
    console.log(`      young generation: tuned ${mib(tuned.startBytes)} → ${mib(tuned.youngBytes)}, untuned ${mib(untuned.startBytes)} → ${mib(untuned.youngBytes)}`);
    assert.ok(tuned.youngBytes <= Math.max(2 * MiB, tuned.startBytes), `tuned: ${mib(tuned.startBytes)} → ${mib(tuned.youngBytes)}`);
    assert.ok(untuned.youngBytes > tuned.youngBytes, `untuned ${mib(untuned.youngBytes)} vs tuned ${mib(tuned.youngBytes)}`);
  });
});
