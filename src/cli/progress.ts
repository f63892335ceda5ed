/**
 * @module Progress of a batch on standard error. A bar is drawn only on a terminal and only
 * for more than one document; messages (failures) are printed above it, or plainly when there
 * is no bar, so they are never lost.
 */
import cliProgress from 'cli-progress';

export class BatchProgress {
  readonly #bars: cliProgress.MultiBar | undefined;
  readonly #bar: cliProgress.SingleBar | undefined;
  readonly #stream: NodeJS.WriteStream;

  /** `total` documents; `stream` defaults to standard error. */
  constructor(total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream;
    if (total <= 1 || !stream.isTTY) return;
    this.#bars = new cliProgress.MultiBar(
      {
        stream,
        format: ' {bar} {value}/{total} documents | {document}',
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar = this.#bars.create(total, 0, { document: '' });
  }

  /** One more document done. */
  advance(document: string): void {
    this.#bar?.increment(1, { document });
  }

  /** A line of text for the user (without the newline). */
  log(line: string): void {
    if (!this.#bars) {
      this.#stream.write(`${line}\n`);
      return;
    }
    this.#bars.log(`${line}\n`);
    // Redraw now: a message logged just before stop() would otherwise never be flushed.
    this.#bars.update();
  }

  stop(): void {
    this.#bars?.stop();
  }
}
