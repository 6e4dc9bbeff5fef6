// A hint to the garbage collector for the whole-table stages. V8 lets the heap grow to several times
// its live size between full collections; writing a table's Parquet file makes a lot of short-lived
// garbage (encoded strings, page buffers) on top of the table's columns, so a 100k-article build
// peaked at ~1.5 GB where ~0.2 GB was live. At a few points where nothing large is in flight (between
// Parquet columns, between tables) a full collection is requested when the heap has grown by more
// than `slackBytes` (96 MB) since the last one. Uses `--expose-gc` for a fresh context only (the main
// context's globals do not change); without it the hint is a no-op.
import v8 from 'node:v8';
import vm from 'node:vm';

let collect: (() => void) | null | undefined;
let liveAfterLast = 0;

function collector(): (() => void) | null {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const gc: unknown = vm.runInNewContext('gc');
      collect = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/** Runs a full garbage collection if the heap grew by more than slackBytes since the last one. */
export function collectGarbageIfGrown(slackBytes = 96 << 20): void {
  const used = v8.getHeapStatistics().used_heap_size;
  if (used <= liveAfterLast + slackBytes) return;
  const gc = collector();
  if (!gc) return;
  gc();
  liveAfterLast = v8.getHeapStatistics().used_heap_size;
}
