/**
 * Test entry point: runs every compiled `*.test.js` under out/test with mocha and ends with
 * the plain "N passed, N failed" line CI reads. `npm test -- <pattern>` filters by file path.
 */
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return findTests(full);
    return name.endsWith('.test.js') ? [full] : [];
  });
}

const filter = process.argv[2];
const mocha = new Mocha({ timeout: 60_000, reporter: 'spec', grep: process.env.MOCHA_GREP });
for (const file of findTests(__dirname).sort()) if (!filter || file.includes(filter)) mocha.addFile(file);

let passed = 0;
let failed = 0;
const runner = mocha.run((failures) => {
  console.log(`\ntests: ${passed} passed, ${failed} failed`);
  process.exitCode = failures > 0 ? 1 : 0;
  // Lingering sockets of a failed test must not keep CI waiting.
  setTimeout(() => process.exit(process.exitCode), 2000).unref();
});
runner.on('pass', () => passed++);
runner.on('fail', () => failed++);
