import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ControlParser, ParsedLine } from '../../../src/core/server/control-parser';
import { startTestServer, TEST_PASSWORD, TEST_USER, TestServer } from '../../helpers/ferry-server';
import { python } from '../../helpers/processes';

/**
 * ABOR and STAT in TCP urgent mode (RFC 959 §4.1.3, the seed; issue 13). Python's ftplib sends
 * "ABOR\r\n" with MSG_OOB: the LF is the urgent byte, which the kernel keeps out of the stream
 * unless the socket has SO_OOBINLINE (the addon sets it), so the JavaScript path takes these
 * commands at their CR. js-data-path.test.ts runs this file again with FERRY_NATIVE_IO=0.
 */

function lines(parser: ControlParser): ParsedLine[] {
  const out: ParsedLine[] = [];
  for (let item = parser.next(); item; item = parser.next()) out.push(item);
  return out;
}

describe('control parser: commands cut at their CR by urgent mode', () => {
  it('takes ABOR, STAT and QUIT at a trailing CR, drops the LF if it comes after all, and waits for other commands', () => {
    const parser = new ControlParser();
    parser.push(Buffer.from('ABOR\r'));
    assert.deepEqual(lines(parser), [{ line: 'ABOR' }]);
    parser.push(Buffer.from('\nNOOP\r\n'));
    assert.deepEqual(lines(parser), [{ line: 'NOOP' }], 'the late LF is not an empty command');
    parser.push(Buffer.from('RETR file\r'));
    assert.deepEqual(lines(parser), [], 'RETR waits for its LF');
    parser.push(Buffer.from('\nstat\r'));
    assert.deepEqual(lines(parser), [{ line: 'RETR file' }, { line: 'stat' }]);
    // Telnet IP and Synch in front (the DM's IAC left alone when the DM went out of band).
    parser.push(Buffer.from([0xff, 0xf4, 0xff, ...Buffer.from('ABOR\r')]));
    assert.deepEqual(lines(parser), [{ line: 'ABOR' }]);
    parser.push(Buffer.from('QUIT\r'));
    assert.deepEqual(lines(parser), [{ line: 'QUIT' }]);
    parser.push(Buffer.from('ABORT-NOT\r'));
    assert.deepEqual(lines(parser), [], 'only the commands themselves');
  });
});

/** Runs one ftplib session against the server; `body` uses `ftp` and fills `out`. */
async function ftplib(port: number, body: string): Promise<Record<string, string>> {
  const script = `
import ftplib, json, socket
out = {}
ftp = ftplib.FTP()
ftp.connect('127.0.0.1', ${port}, timeout=15)
ftp.login(${JSON.stringify(TEST_USER)}, ${JSON.stringify(TEST_PASSWORD)})
${body}
out['noop'] = ftp.voidcmd('NOOP')
ftp.quit()
print(json.dumps(out))
`;
  const result = await python(script, 60_000);
  assert.equal(result.code, 0, `ftplib failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, string>;
}

describe('server: ftplib abort() (ABOR sent as TCP urgent data)', function () {
  this.timeout(90_000);
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    fs.writeFileSync(path.join(t.root, 'big.bin'), Buffer.alloc(64 << 20, 0x61));
  });
  after(() => t?.stop());

  for (const passive of [true, false]) {
    const mode = passive ? 'passive' : 'active';

    /** Starts `command` in this mode, moves some data with `move`, then ftplib's abort(): 426, then 226, then NOOP works. */
    const abortDuring = async (command: string, move: string) => {
      const out = await ftplib(
        t.port,
        `
ftp.set_pasv(${passive ? 'True' : 'False'})
conn = ftp.transfercmd('${command}')
${move}
out['abort'] = ftp.abort()
conn.close()
out['final'] = ftp.getresp()
`,
      );
      assert.match(out.abort, /^426 /);
      assert.match(out.final, /^226 /);
      assert.match(out.noop, /^200 /);
    };

    it(`${mode}: abort() during RETR answers 426 then 226, and the session goes on`, () => abortDuring('RETR big.bin', 'conn.recv(65536)'));

    it(`${mode}: abort() during STOR answers 426 then 226, keeps what arrived, and the session goes on`, async () => {
      const name = `aborted-${mode}.bin`;
      await abortDuring(`STOR ${name}`, "conn.sendall(b'x' * (1 << 20))");
      const kept = fs.readFileSync(path.join(t.root, name));
      assert.ok(kept.every((b) => b === 0x78), 'the kept part is what was sent');
    });
  }

  it('STAT sent as urgent data during a RETR reports progress at once', async () => {
    const out = await ftplib(
      t.port,
      `
conn = ftp.transfercmd('RETR big.bin')
conn.recv(65536)
ftp.sock.sendall(b'STAT\\r\\n', socket.MSG_OOB)
out['stat'] = ftp.getmultiline()
out['abort'] = ftp.abort()
conn.close()
out['final'] = ftp.getresp()
`,
    );
    assert.match(out.stat, /^211-[\s\S]*RETR \/big\.bin: \d+ bytes transferred/);
    assert.match(out.abort, /^426 /);
    assert.match(out.final, /^226 /);
  });
});
