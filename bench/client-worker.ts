/**
 * One measured client operation in its own process, so its CPU time and memory are its own:
 *   node out/bench/client-worker.js <op> <json-args>
 * ops: ferry-get, ferry-put, basicftp-get, basicftp-put, ferry-list, fxp, relay.
 * Prints one JSON line: { ms, cpu, rss, clientBytes?, entries? }.
 */
import { Client } from 'basic-ftp';
import { FtpClient, SiteSettings } from '../src/core/client';
import { copyFile, relayCopy } from '../src/core/fxp';

interface Args {
  site: SiteSettings;
  target?: SiteSettings;
  remote: string;
  local?: string;
  targetPath?: string;
}

async function main(): Promise<void> {
  const [op, json] = process.argv.slice(2);
  const args = JSON.parse(json) as Args;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const out: Record<string, number> = {};
  if (op === 'ferry-get' || op === 'ferry-put' || op === 'ferry-list') {
    const client = new FtpClient({ ...args.site, keepaliveMs: 0 });
    // The final progress event fires when the transfer is complete (data done and 226 read), before
    // Ferry verifies the size: that instant is comparable with curl, which verifies nothing.
    let transferDone = 0;
    const onProgress = () => (transferDone = Number(process.hrtime.bigint() - started) / 1e6);
    if (op === 'ferry-get') await client.downloadFile(args.remote, args.local!, { onProgress });
    if (op === 'ferry-put') await client.uploadFile(args.local!, args.remote, { onProgress });
    if (transferDone > 0) out.transferMs = transferDone;
    if (op === 'ferry-list') out.entries = (await client.list(args.remote)).length;
    client.close();
  } else if (op === 'basicftp-get' || op === 'basicftp-put') {
    // basic-ftp as most extensions use it: its defaults, passive only.
    const client = new Client(60_000);
    await client.access({ host: args.site.host, port: args.site.port, user: args.site.user, password: args.site.password });
    if (op === 'basicftp-get') await client.downloadTo(args.local!, args.remote);
    else await client.uploadFrom(args.local!, args.remote);
    client.close();
  } else if (op === 'fxp' || op === 'relay') {
    const source = new FtpClient({ ...args.site, keepaliveMs: 0, maxConnections: 3 });
    const target = new FtpClient({ ...args.target!, keepaliveMs: 0, maxConnections: 3 });
    if (op === 'relay') {
      out.clientBytes = await relayCopy(source, target, args.remote, args.targetPath!, 0);
    } else {
      const result = await copyFile({ client: source, path: args.remote }, { client: target, path: args.targetPath! }, { allowRelay: false, verify: false, pollIntervalMs: 1000 });
      out.clientBytes = result.clientBytes;
      if (result.method !== 'fxp') throw new Error(`expected fxp, got ${result.method}`);
    }
    source.close();
    target.close();
  } else {
    throw new Error(`unknown op ${op}`);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(JSON.stringify({ ms, cpu: (cpu.user + cpu.system) / 1e6, rss: process.memoryUsage().rss, ...out }));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
