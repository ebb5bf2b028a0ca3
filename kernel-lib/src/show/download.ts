/**
 * Live download progress for dataset files: one progress bar per file, in MB. Data modules take
 * progress as an injected callback (they never draw); this makes the callback.
 */
import type { FetchOptions } from '../data/files';
import { progressBar, ProgressBar } from './progress';

/** An `onProgress` callback that draws one progress bar per downloaded file. */
export function downloadBars(): NonNullable<FetchOptions['onProgress']> {
  const bars = new Map<string, ProgressBar>();
  return (file, received, total) => {
    let bar = bars.get(file);
    if (!bar) {
      bar = progressBar({ total: Math.max(1, Math.ceil(total / 1e6)), label: `download ${file} (MB)` });
      bars.set(file, bar);
    }
    bar.update(Math.min(Math.ceil(total / 1e6), Math.floor(received / 1e6)));
    if (received >= total) bar.finish();
  };
}
