import * as assert from 'node:assert/strict';
import { LoginGuard, loginSource, MAX_FAIL_DELAY_MS } from '../../../src/core/server/login-guard';
import { resetScryptPeak, scryptLoad } from '../../../src/core/server/password';
import { VERIFICATION_SLOTS, VerificationBusyError, VerificationGate, verificationGate } from '../../../src/core/server/verification-gate';
import { ControlClient, FtpReply } from '../../helpers/control-client';
import { TEST_PASSWORD, TEST_USER, TestServer, withTestServer } from '../../helpers/ferry-server';
import { closed, waitFor } from '../../helpers/ftp-kit';

const TUNABLES = { login_fail_delay_ms: 500, max_login_fails_per_ip: 0, login_fail_window: 600, login_ban_time: 60 };

/** A guard on a clock the test moves by hand. */
function guardAt(tunables: Partial<typeof TUNABLES> = {}, capacity?: number): { guard: LoginGuard; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { guard: new LoginGuard({ ...TUNABLES, ...tunables }, capacity, () => clock.now), clock };
}

/** The delays of `n` failures from `address`, each on a fresh connection. */
function delays(guard: LoginGuard, address: string, n: number): number[] {
  return Array.from({ length: n }, () => guard.recordFailure(address, 1).delayMs);
}

describe('LoginGuard (failed logins per source address)', () => {
  it('doubles the delay with each failure of the address, across connections, up to 8 s', () => {
    const { guard } = guardAt();
    assert.deepEqual(delays(guard, '192.0.2.1', 7), [500, 1000, 2000, 4000, 8000, 8000, 8000]);
    assert.equal(MAX_FAIL_DELAY_MS, 8000);
    // Another address has a count of its own; a connection's own count still counts (max of both).
    assert.equal(guard.recordFailure('192.0.2.2', 1).delayMs, 500);
    assert.equal(guard.recordFailure('192.0.2.3', 3).delayMs, 2000);
  });

  it('starts the count again after login_fail_window seconds without a failure', () => {
    const { guard, clock } = guardAt({ login_fail_window: 600 });
    delays(guard, '192.0.2.1', 3);
    clock.now += 600_000;
    assert.equal(guard.recordFailure('192.0.2.1', 1).delayMs, 4000, 'still inside the window');
    clock.now += 600_001;
    assert.equal(guard.recordFailure('192.0.2.1', 1).delayMs, 500, 'window over');
  });

  it('bans on the failure that reaches max_login_fails_per_ip, for login_ban_time; then counts from zero', () => {
    const { guard, clock } = guardAt({ max_login_fails_per_ip: 3, login_ban_time: 60 });
    assert.equal(guard.recordFailure('192.0.2.1', 1).banned, false);
    assert.equal(guard.recordFailure('192.0.2.1', 1).banned, false);
    assert.equal(guard.banSecondsLeft('192.0.2.1'), 0);
    assert.equal(guard.recordFailure('192.0.2.1', 1).banned, true);
    assert.equal(guard.banSecondsLeft('192.0.2.1'), 60);
    assert.equal(guard.banSecondsLeft('192.0.2.9'), 0, 'other addresses are not banned');
    // A failure of a check that was already running when the ban began does not extend it.
    clock.now += 30_000;
    assert.equal(guard.recordFailure('192.0.2.1', 1).banned, true);
    clock.now += 29_500;
    assert.equal(guard.banSecondsLeft('192.0.2.1'), 1);
    clock.now += 500;
    assert.equal(guard.banSecondsLeft('192.0.2.1'), 0, 'ban over');
    const after = guard.recordFailure('192.0.2.1', 1);
    assert.deepEqual(after, { delayMs: 500, banned: false }, 'one failure after the ban is the first of a new count');
  });

  it('max_login_fails_per_ip = 0 never bans', () => {
    const { guard } = guardAt({ max_login_fails_per_ip: 0 });
    for (let i = 0; i < 50; i++) assert.equal(guard.recordFailure('192.0.2.1', 1).banned, false);
    assert.equal(guard.banSecondsLeft('192.0.2.1'), 0);
  });

  it('counts an IPv6 /64 as one source, and an IPv4-mapped address as its IPv4 address', () => {
    assert.equal(loginSource('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(loginSource('2001:0db8:0001:0002:ffff:1:2:3'), '2001:db8:1:2::/64');
    assert.equal(loginSource('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(loginSource('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(loginSource('::ffff:c000:207'), '192.0.2.7');
    assert.equal(loginSource('192.0.2.7'), '192.0.2.7');
    const { guard } = guardAt({ max_login_fails_per_ip: 2 });
    guard.recordFailure('2001:db8:1:2::5', 1);
    assert.equal(guard.recordFailure('2001:db8:1:2:9:9:9:9', 1).banned, true, 'same /64');
    assert.ok(guard.banSecondsLeft('2001:db8:1:2::77') > 0);
    assert.equal(guard.banSecondsLeft('2001:db8:1:3::5'), 0, 'next /64');
    guard.recordFailure('::ffff:198.51.100.1', 1);
    assert.equal(guard.recordFailure('198.51.100.1', 1).banned, true, 'mapped and plain are one address');
    assert.ok(guard.banSecondsLeft('::ffff:198.51.100.1') > 0);
    assert.equal(guard.banSecondsLeft('::ffff:198.51.100.2'), 0, 'mapped IPv4 clients do not share a /64 counter');
  });

  it('keeps at most `capacity` addresses, forgetting the least recently failing; expired ones go first', () => {
    const { guard, clock } = guardAt({}, 3);
    for (let i = 1; i <= 5; i++) {
      guard.recordFailure(`192.0.2.${i}`, 1);
      assert.ok(guard.size <= 3, `size ${guard.size} after ${i} addresses`);
    }
    assert.equal(guard.recordFailure('192.0.2.5', 1).delayMs, 1000, 'a remembered address continues its count');
    assert.equal(guard.recordFailure('192.0.2.1', 1).delayMs, 500, 'the oldest was forgotten');
    clock.now += 601_000;
    guard.recordFailure('192.0.2.99', 1);
    assert.equal(guard.size, 1, 'records past their window are dropped');
  });
});

/** A task that runs until released by hand, and says when it started. */
function heldTask(log: string[], name: string, running: { now: number; peak: number }): { task: () => Promise<string>; release: () => void } {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  const task = async () => {
    log.push(name);
    running.peak = Math.max(running.peak, ++running.now);
    await done;
    running.now--;
    return name;
  };
  return { task, release: () => release() };
}

/** Fails instead of hanging when a promise does not settle (a leaked slot never runs its waiters). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('VerificationGate (password checks admitted to the thread pool)', () => {
  it('never runs more than `slots` tasks at once, and runs them all', async () => {
    const gate = new VerificationGate(2, 100, 100);
    const log: string[] = [];
    const running = { now: 0, peak: 0 };
    const tasks = Array.from({ length: 10 }, (_, i) => heldTask(log, `t${i}`, running));
    const results = tasks.map((t, i) => gate.run(`src${i % 3}`, t.task));
    for (let round = 0; round < 10; round++) {
      await tick();
      assert.ok(running.now <= 2, `${running.now} running`);
      for (const t of tasks) t.release();
    }
    assert.equal((await within(Promise.all(results), 2000, 'all tasks')).length, 10);
    assert.equal(running.peak, 2);
    assert.equal(gate.queued, 0);
  });

  it("takes sources in turn: source B's one task runs before source A's 10 queued ones", async () => {
    const gate = new VerificationGate(1, 100, 100);
    const log: string[] = [];
    const running = { now: 0, peak: 0 };
    const a = Array.from({ length: 11 }, (_, i) => heldTask(log, `A${i}`, running));
    const b = heldTask(log, 'B', running);
    const results = [...a.map((t) => gate.run('A', t.task)), gate.run('B', b.task)];
    await tick();
    assert.equal(gate.queued, 11);
    for (let i = 0; i < 12; i++) {
      for (const t of [...a, b]) t.release();
      await tick();
    }
    await within(Promise.all(results), 2000, 'all tasks');
    // B waits for the running task and at most one more of A's, never for A's whole backlog.
    assert.ok(log.indexOf('B') <= 2, log.join(' '));
  });

  it('refuses with VerificationBusyError beyond the per-source and the total queue bound', async () => {
    const gate = new VerificationGate(1, 2, 3);
    const log: string[] = [];
    const running = { now: 0, peak: 0 };
    const held = Array.from({ length: 6 }, (_, i) => heldTask(log, `t${i}`, running));
    const accepted = [gate.run('A', held[0].task), gate.run('A', held[1].task), gate.run('A', held[2].task)];
    await assert.rejects(within(gate.run('A', held[3].task), 1000, 'a fourth task of A'), VerificationBusyError, 'A has 2 waiting');
    accepted.push(gate.run('B', held[4].task));
    await assert.rejects(within(gate.run('C', held[5].task), 1000, 'a task beyond the total bound'), (err: Error) => err instanceof VerificationBusyError && /try again later/.test(err.message));
    assert.equal(gate.queued, 3);
    for (let i = 0; i < 5; i++) {
      for (const t of held) t.release();
      await tick();
    }
    assert.deepEqual(await within(Promise.all(accepted), 2000, 'accepted tasks'), ['t0', 't1', 't2', 't4']);
    assert.ok(!log.includes('t3') && !log.includes('t5'), 'refused tasks never ran');
    assert.equal(await within(gate.run('C', async () => 'later'), 2000, 'a task once the queue drained'), 'later');
  });

  it('frees the slot when a task throws (waiting and later tasks still run)', async () => {
    const gate = new VerificationGate(1, 100, 100);
    const boom = gate.run('A', async () => {
      await tick();
      throw new Error('scrypt failed');
    });
    const waiting = gate.run('B', async () => 'waited');
    await assert.rejects(boom, /scrypt failed/);
    assert.equal(await within(waiting, 2000, 'the waiting task'), 'waited');
    await assert.rejects(
      gate.run('A', () => {
        throw new Error('sync throw');
      }),
      /sync throw/,
    );
    const after = await within(Promise.all([1, 2, 3].map((n) => gate.run('C', async () => n))), 2000, 'tasks after the errors');
    assert.deepEqual(after, [1, 2, 3]);
    assert.equal(gate.queued, 0);
  });
});

/** Sends USER and PASS, returning both replies (the USER reply may already refuse). */
async function tryLogin(client: ControlClient, password: string, user = TEST_USER): Promise<FtpReply> {
  const r = await client.send(`USER ${user}`);
  return r.code === 331 ? client.send(`PASS ${password}`) : r;
}

async function connect(port: number, localAddress?: string): Promise<{ client: ControlClient; greeting: FtpReply }> {
  return ControlClient.connect(port, '127.0.0.1', localAddress);
}


const BAN_TUNABLES = { login_fail_delay_ms: 0, max_login_fails: 3, max_login_fails_per_ip: 5, login_ban_time: 2 };
const BANNED = /^421 Too many failed logins from your address \(max_login_fails_per_ip\): refused for \d+ s more/;

describe('server: failed logins per address, over real sockets', () => {
  it('failures over several connections ban the address: 421 at connect, on USER and on PASS; others still served', () =>
    withTestServer({ tunables: BAN_TUNABLES }, async (t) => {
      const first = (await connect(t.port)).client;
      for (let i = 0; i < 2; i++) assert.equal((await tryLogin(first, `wrong${i}`)).code, 530);
      assert.match((await tryLogin(first, 'wrong2')).text, /^421 Too many failed logins \(3\)/, 'max_login_fails closes the connection');
      // Opened before the ban: one idle, one that has sent USER already.
      const idle = (await connect(t.port)).client;
      const pending = (await connect(t.port)).client;
      assert.equal((await pending.send(`USER ${TEST_USER}`)).code, 331);
      const second = (await connect(t.port)).client;
      assert.equal((await tryLogin(second, 'wrong3')).code, 530, 'fourth failure of the address');
      const fifth = await tryLogin(second, 'wrong4');
      assert.match(fifth.text, BANNED, 'the failure that reaches the limit is answered with the ban');
      await closed(second.socket);

      const fresh = await connect(t.port);
      assert.match(fresh.greeting.text, BANNED, 'new connection');
      await closed(fresh.client.socket);
      assert.match((await idle.send(`USER ${TEST_USER}`)).text, BANNED, 'USER on a connection opened before the ban');
      await closed(idle.socket);
      assert.match((await pending.send(`PASS ${TEST_PASSWORD}`)).text, BANNED, 'the right password during the ban');
      await closed(pending.socket);

      const other = await connect(t.port, '127.0.0.2');
      assert.equal(other.greeting.code, 220, 'another address is not banned');
      assert.equal((await tryLogin(other.client, TEST_PASSWORD)).code, 230);
      other.client.close();
    }));

  it('the ban expires after login_ban_time: the user logs in again, and one typo is not a new ban', () =>
    withTestServer({ tunables: BAN_TUNABLES }, async (t) => {
      for (let c = 0; c < 2; c++) {
        const { client } = await connect(t.port);
        for (let i = 0; i < 3 && !client.closed; i++) {
          const r = await tryLogin(client, `wrong${c}${i}`);
          if (r.code === 421) break;
        }
        client.close();
      }
      assert.match((await connect(t.port)).greeting.text, BANNED);
      const back = await waitFor(
        'the ban to expire',
        async () => {
          const c = await connect(t.port);
          if (c.greeting.code === 220) return c.client;
          c.client.close();
          return undefined;
        },
        5000,
        200,
      );
      assert.equal((await tryLogin(back, 'typo')).code, 530, 'the count starts from zero after a ban');
      assert.equal((await tryLogin(back, TEST_PASSWORD)).code, 230);
      back.close();
    }));

  it('the failure that sets the ban is answered 421 at once, even when its delay would outlast the ban', () =>
    withTestServer({ tunables: { login_fail_delay_ms: 1000, max_login_fails: 3, max_login_fails_per_ip: 2, login_ban_time: 1 } }, async (t) => {
      const { client } = await connect(t.port);
      assert.equal((await tryLogin(client, 'wrong0')).code, 530);
      // Its delay would be 2 s, the ban 1 s: answering after the delay would be a 530 with the ban already over.
      assert.match((await tryLogin(client, 'wrong1')).text, BANNED);
      await closed(client.socket);
    }));

  it('the delay grows with the failures of the address, not of the connection', () =>
    withTestServer({ tunables: { login_fail_delay_ms: 100, max_login_fails: 3, max_login_fails_per_ip: 0 } }, async (t) => {
      const first = (await connect(t.port)).client;
      for (let i = 0; i < 2; i++) assert.equal((await tryLogin(first, `wrong${i}`)).code, 530);
      assert.equal((await tryLogin(first, 'wrong2')).code, 421);
      const second = (await connect(t.port)).client;
      await second.send(`USER ${TEST_USER}`);
      const t0 = Date.now();
      assert.equal((await second.send('PASS wrong3')).code, 530);
      const waited = Date.now() - t0;
      // Fourth failure of 127.0.0.1: 100 * 2^3 ms, though the first on this connection (100 ms + scrypt).
      assert.ok(waited >= 780, `first failure on a new connection answered after ${waited} ms`);
      second.close();
    }));
});

describe('server: password checks under 40 guessing connections', () => {
  const GUESSERS = 40;

  /** 40 connections send a wrong password at once; resolves to their replies (530, or 421 when the queue is full). */
  async function guessAll(t: TestServer): Promise<{ clients: ControlClient[]; replies: Promise<FtpReply[]> }> {
    const clients = await Promise.all(Array.from({ length: GUESSERS }, async () => (await connect(t.port)).client));
    await Promise.all(clients.map((c) => c.send(`USER ${TEST_USER}`)));
    const replies = Promise.all(clients.map((c, i) => c.send(`PASS guess-${i}`, 60_000)));
    return { clients, replies };
  }

  const tunables = { login_fail_delay_ms: 0, max_login_fails_per_ip: 0, max_conns_per_ip: 0, maximum_clients: 0 };

  it('never runs more scrypt computations at once than the gate has slots', () =>
    withTestServer({ tunables }, async (t) => {
      resetScryptPeak();
      const { clients, replies } = await guessAll(t);
      const answers = await replies;
      for (const r of answers) assert.ok(r.code === 530 || /^421 Too many logins are waiting for their password check/.test(r.text), r.text);
      assert.ok(answers.filter((r) => r.code === 530).length >= 10, 'most guesses were checked');
      const { peak } = scryptLoad();
      assert.ok(peak >= 1 && peak <= VERIFICATION_SLOTS, `peak ${peak} scrypt at once, slots ${VERIFICATION_SLOTS}`);
      for (const c of clients) c.close();
    }));

  it("a user from another address is checked next, not after the guessers' queue", () =>
    withTestServer({ tunables }, async (t) => {
      const user = (await connect(t.port, '127.0.0.2')).client;
      assert.equal((await user.send(`USER ${TEST_USER}`)).code, 331);
      const { clients, replies } = await guessAll(t);
      await waitFor('guesses queued at the gate', () => verificationGate.queued >= 10, 10_000, 5);
      const queuedBefore = verificationGate.queued;
      assert.equal((await user.send(`PASS ${TEST_PASSWORD}`, 30_000)).code, 230);
      // In turn: the user's check ran after the one running, so nearly all guesses still wait.
      const queuedAfter = verificationGate.queued;
      assert.ok(queuedAfter >= queuedBefore - 2, `only ${queuedAfter} of ${queuedBefore} guesses still queued when the user got in`);
      await replies;
      for (const c of [user, ...clients]) c.close();
    }));
});
