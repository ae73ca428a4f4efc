/**
 * One measured client operation in its own process, so its CPU time and memory are its own:
 *   node out/bench/client-worker.js <op> <json-args>
 * ops: ferry-get, ferry-put, basicftp-get, basicftp-put, ferry-list, fxp, relay.
 * Prints one JSON line: { ms, cpu, rss, transferMs?, clientBytes?, readBytes?, entries? }.
 */
import { readFileSync } from 'node:fs';
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

/** Every byte this process read so far, files and sockets alike (/proc/self/io rchar). */
function bytesRead(): number {
  return Number(/^rchar: (\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);
}

/**
 * A 1 GiB copy between two servers: FXP through copyFile as the queue runs it (relay refused, no
 * hash), or a relay through this process. `transferMs` is the data phase, comparable with curl's
 * transfer phase: for FXP from the moment copyFile starts the server-to-server transfer (PASV,
 * PORT, STOR, RETR) to the end of both transfers; for the relay from the start of the download
 * and upload, both clients already logged in. `readBytes` is what the process read meanwhile.
 */
async function copyBetweenServers(op: 'fxp' | 'relay', args: Args): Promise<Record<string, number>> {
  const source = new FtpClient({ ...args.site, keepaliveMs: 0, maxConnections: 3 });
  const target = new FtpClient({ ...args.target!, keepaliveMs: 0, maxConnections: 3 });
  const now = () => Number(process.hrtime.bigint()) / 1e6;
  const out: Record<string, number> = {};
  const read0 = bytesRead();
  try {
    if (op === 'relay') {
      await Promise.all([source.connect(), target.connect()]);
      const started = now();
      out.clientBytes = await relayCopy(source, target, args.remote, args.targetPath!, 0);
      out.transferMs = now() - started;
    } else {
      let started = NaN;
      let ended = NaN;
      const result = await copyFile(
        { client: source, path: args.remote },
        { client: target, path: args.targetPath! },
        {
          allowRelay: false,
          verify: false,
          pollIntervalMs: 1000,
          onMethod: () => (started = now()),
          onProgress: (done, total) => {
            if (done === total && Number.isNaN(ended)) ended = now();
          },
        },
      );
      if (result.method !== 'fxp') throw new Error(`expected fxp, got ${result.method}`);
      out.clientBytes = result.clientBytes;
      out.transferMs = ended - started;
    }
    out.readBytes = bytesRead() - read0;
    return out;
  } finally {
    source.close();
    target.close();
  }
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
    Object.assign(out, await copyBetweenServers(op, args));
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
