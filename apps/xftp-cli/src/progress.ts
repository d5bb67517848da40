// The transfer progress bar (cli-progress on stderr, so stdout keeps only the results). Upstream
// `Client/Main.hs: printProgress` prints "Uploaded 42%" lines instead.
import cliProgress from 'cli-progress';

/** A progress sink for the library's `onProgress(done, total)`. */
export interface ProgressView {
  readonly onProgress: (done: number, total: number) => void;
  stop(): void;
}

/** A bar labelled `label` (e.g. "Uploading"), or nothing when disabled or stderr is not a terminal. */
export function progressBar(label: string, enabled: boolean): ProgressView {
  if (!enabled || process.stderr.isTTY !== true)
    return { onProgress: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} |{bar}| {percentage}% | {value}/{total} KB`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: (done, total) => {
      const [v, t] = [Math.floor(done / 1024), Math.ceil(total / 1024)];
      if (!started) {
        bar.start(t, v);
        started = true;
      } else bar.update(v);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
