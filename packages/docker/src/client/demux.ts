/**
 * Docker's multiplexed stream format (containers without a TTY): frames of an 8-byte header
 * `[stream, 0, 0, 0, size(uint32 BE)]` followed by `size` bytes. Stream 0 = stdin, 1 = stdout,
 * 2 = stderr. Frames may be split across chunks or several may share one chunk.
 */

/** One demultiplexed frame. */
export interface Frame {
  readonly stream: 'stdout' | 'stderr';
  readonly payload: Buffer;
}

/** Incremental demuxer: push chunks, get complete frames. @internal */
export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  /** Adds a chunk; returns the frames it completes. */
  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= 8) {
      const kind = this.pending[offset] ?? 1;
      const size = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - 8 < size) break;
      const payload = this.pending.subarray(offset + 8, offset + 8 + size);
      frames.push({ stream: kind === 2 ? 'stderr' : 'stdout', payload });
      offset += 8 + size;
    }
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return frames;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Splits a byte stream into lines (LF, optional CR stripped), holding back the unterminated tail. @internal */
export class LineSplitter {
  private tail = '';
  private readonly decoder = new TextDecoder('utf-8');

  push(chunk: Buffer): string[] {
    const text = this.tail + this.decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    this.tail = parts.pop() ?? '';
    return parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }

  /** The unterminated last line, if any. */
  flush(): string[] {
    const rest = this.tail + this.decoder.decode();
    this.tail = '';
    return rest === '' ? [] : [rest];
  }
}

/** Builds one frame (tests, and anything that needs to fake an engine). @internal */
export function encodeFrame(stream: 'stdout' | 'stderr', payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(8);
  header[0] = stream === 'stderr' ? 2 : 1;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}
