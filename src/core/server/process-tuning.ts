import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { ServerHandle } from './server';

/** Quiet time after the last new session before the heap is compacted. */
const SETTLE_MS = 5000;

/**
 * Tunes the V8 heap of a process whose main job is this server (`ferry serve`, the editor's
 * server child), not of a process that merely embeds it. Call it right after startServer.
 *
 * When many clients log in at once, the objects each session keeps alive all survive their first
 * garbage collections, and V8 answers survival by doubling the young generation, up to 16 MiB per
 * semi-space, which it then keeps: most of an idle session's resident memory was empty young
 * generation (bench/README.md, idle sessions). Not letting it grow by doubling costs a few more
 * (short) scavenges during login bursts; transfers allocate little on the JS heap (their buffers
 * live outside it) and plain ones run in the native data path.
 * `--semi-space-growth-factor` is read whenever V8 considers growing, so it works when set at run
 * time, unlike `--max-semi-space-size`, which only counts at start-up.
 *
 * The burst also leaves old-space pages that V8's memory reducer, which Node does not drive,
 * would give back only much later, if at all: once new sessions have stopped arriving for a few
 * seconds, one full collection compacts the heap and returns them (once per burst).
 */
export function tuneHeapForServer(server: ServerHandle): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  v8.setFlagsFromString('--expose-gc');
  const collect = vm.runInNewContext('gc') as () => void;
  let timer: NodeJS.Timeout | undefined;
  server.on('session', () => {
    if (timer) return void timer.refresh();
    timer = setTimeout(() => {
      timer = undefined;
      collect();
    }, SETTLE_MS);
    timer.unref();
  });
}
