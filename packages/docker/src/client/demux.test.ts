import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDemuxer, LineSplitter, encodeFrame } from './demux.js';

describe('FrameDemuxer', () => {
  it('reads frames split anywhere across chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ stream: fc.constantFrom('stdout' as const, 'stderr' as const), text: fc.string({ maxLength: 40 }) }), { maxLength: 20 }),
        fc.array(fc.nat({ max: 64 }), { maxLength: 30 }),
        (frames, cuts) => {
          const bytes = Buffer.concat(frames.map((f) => encodeFrame(f.stream, f.text)));
          const demuxer = new FrameDemuxer();
          const got: { stream: string; text: string }[] = [];
          let offset = 0;
          for (const cut of cuts) {
            const end = Math.min(bytes.length, offset + cut);
            for (const frame of demuxer.push(bytes.subarray(offset, end))) got.push({ stream: frame.stream, text: frame.payload.toString('utf8') });
            offset = end;
          }
          for (const frame of demuxer.push(bytes.subarray(offset))) got.push({ stream: frame.stream, text: frame.payload.toString('utf8') });
          expect(got).toEqual(frames);
          expect(demuxer.buffered).toBe(0);
        },
      ),
    );
  });

  it('holds back an incomplete header and body', () => {
    const demuxer = new FrameDemuxer();
    const frame = encodeFrame('stderr', 'abc');
    expect(demuxer.push(frame.subarray(0, 5))).toEqual([]);
    expect(demuxer.push(frame.subarray(5, 9))).toEqual([]);
    expect(demuxer.buffered).toBe(9);
    expect(demuxer.push(frame.subarray(9))).toEqual([{ stream: 'stderr', payload: Buffer.from('abc') }]);
  });

  it('reads several frames from one chunk, including empty ones', () => {
    const demuxer = new FrameDemuxer();
    const frames = demuxer.push(Buffer.concat([encodeFrame('stdout', 'a\n'), encodeFrame('stdout', ''), encodeFrame('stderr', 'b')]));
    expect(frames.map((f) => [f.stream, f.payload.toString()])).toEqual([
      ['stdout', 'a\n'],
      ['stdout', ''],
      ['stderr', 'b'],
    ]);
  });
});

describe('LineSplitter', () => {
  it('splits on LF, strips CR, keeps multi-byte characters split across chunks', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('héllo\r\nwörld\npartial', 'utf8');
    const lines: string[] = [];
    for (let i = 0; i < bytes.length; i++) lines.push(...splitter.push(bytes.subarray(i, i + 1)));
    expect(lines).toEqual(['héllo', 'wörld']);
    expect(splitter.flush()).toEqual(['partial']);
    expect(splitter.flush()).toEqual([]);
  });
});
