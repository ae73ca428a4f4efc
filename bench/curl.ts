/** curl as the benchmark's FTP client: one process per measurement, numbers from -w. */
import { spawn } from 'node:child_process';

export interface CurlResult {
  exitCode: number;
  /** One line of -w output per transfer. */
  transfers: { code: string; exit: number; bytesDown: number; bytesUp: number; preTransfer: number; total: number }[];
  stderr: string;
  /** Wall time of the whole curl process, seconds. */
  wall: number;
}

const FORMAT = '%{response_code} %{exitcode} %{size_download} %{size_upload} %{time_pretransfer} %{time_total}\\n';

/** Runs curl; with `cpu`, on that CPU only (taskset), as the pinned FXP comparison does. */
export function curl(args: string[], timeoutSec = 300, cpu?: number): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const curlArgs = ['-sS', '--no-progress-meter', '--max-time', String(timeoutSec), '-w', FORMAT, ...args];
    const child = cpu === undefined ? spawn('curl', curlArgs, { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn('taskset', ['-c', String(cpu), 'curl', ...curlArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const transfers = out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [c, e, d, u, pre, total] = line.split(' ');
          return { code: c, exit: Number(e), bytesDown: Number(d), bytesUp: Number(u), preTransfer: Number(pre), total: Number(total) };
        });
      resolve({ exitCode: code ?? -1, transfers, stderr: err.trim(), wall });
    });
  });
}
