import * as v8 from 'node:v8';

/**
 * Tunes the V8 heap of a process whose main job is this server (`ferry serve`, the editor's
 * server child), not of a process that merely embeds it.
 *
 * Each logged-in session keeps about 2.6 KB of objects alive. When many clients log in at once
 * those objects all survive their first garbage collections, and V8 answers survival by doubling
 * the young generation, up to 16 MiB per semi-space, which it then keeps: with 2000 idle sessions
 * that was 8 KB of resident memory per session, two thirds of it empty young generation (see
 * bench/, idle sessions). Keeping the young generation at its initial 1 MiB semi-spaces costs a
 * few more (short) scavenges during login bursts; transfers allocate little on the JS heap (their
 * buffers live outside it) and plain ones run in the native data path.
 *
 * `--semi-space-growth-factor` is read whenever V8 considers growing, so it works when set at run
 * time, unlike `--max-semi-space-size`, which only counts at start-up.
 */
export function tuneHeapForServer(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
