import type { ComposeEvent } from '@selur/compose';
import type { OutStream } from '../io.js';
import type { Colors } from './color.js';
import { EMPTY_PROGRESS, reduceProgress, renderEventJson, renderEventLine, renderProgressFrame, type ProgressState } from './progress.js';

/** Receives engine events and shows them. */
export interface ProgressSink {
  readonly mode: 'tty' | 'plain' | 'json' | 'quiet';
  onEvent(event: ComposeEvent): void;
  /** Draws the final frame and stops redrawing. Idempotent. */
  close(): void;
}

/** Options of {@link progressSink}. */
export interface ProgressSinkOptions {
  readonly mode: 'tty' | 'plain' | 'json' | 'quiet';
  readonly out: OutStream;
  readonly colors: Colors;
  readonly now: () => number;
  /** Redraw period of the live display, in ms. @default 100 */
  readonly redrawMs?: number;
}

class LiveSink implements ProgressSink {
  readonly mode = 'tty';
  private state: ProgressState = EMPTY_PROGRESS;
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: ProgressSinkOptions) {}

  onEvent(event: ComposeEvent): void {
    if (this.closed) return;
    const next = reduceProgress(this.state, event);
    if (next === this.state) return;
    this.state = next;
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), this.options.redrawMs ?? 100);
      this.timer.unref();
    }
    this.draw();
  }

  private draw(): void {
    const width = Math.max(40, (this.options.out.columns ?? 100) - 1);
    const lines = renderProgressFrame(this.state, this.options.now(), this.options.colors, width);
    // Move to the top of what we drew last time, clear to the end of the screen, draw again.
    const up = this.drawn > 0 ? `\u001b[${this.drawn}A\r\u001b[J` : '';
    this.options.out.write(up + lines.map((l) => `${l}\n`).join(''));
    this.drawn = lines.length;
  }

  close(): void {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    if (this.state.lines.length > 0 || this.state.summary) this.draw();
    this.closed = true;
  }
}

/** Creates the sink for a progress mode: live lines, one line per event, JSON lines, or nothing. */
export function progressSink(options: ProgressSinkOptions): ProgressSink {
  const { out, colors } = options;
  switch (options.mode) {
    case 'tty':
      return new LiveSink(options);
    case 'plain':
      return {
        mode: 'plain',
        onEvent(event) {
          const line = renderEventLine(event, colors);
          if (line !== undefined) out.write(`${line}\n`);
        },
        close() {},
      };
    case 'json':
      return {
        mode: 'json',
        onEvent(event) {
          if (event.type !== 'log') out.write(`${renderEventJson(event)}\n`);
        },
        close() {},
      };
    case 'quiet':
      return { mode: 'quiet', onEvent() {}, close() {} };
  }
}
