import type { IncomingMessage } from 'node:http';
import type { LogLine, LogOptions } from '@selur/compose';
import { linkedController, onAbort } from './client/abort.js';
import { FrameDemuxer, LineSplitter } from './client/demux.js';
import type { EngineClient } from './client/engine-client.js';

/** Splits `2026-01-01T00:00:00.123456789Z text` into its time and text. @internal */
export function parseTimestamped(line: string): { timestamp: Date; text: string } {
  const space = line.indexOf(' ');
  const head = space === -1 ? line : line.slice(0, space);
  if (/^\d{4}-\d{2}-\d{2}T/.test(head)) {
    const date = new Date(head);
    if (!Number.isNaN(date.getTime())) return { timestamp: date, text: space === -1 ? '' : line.slice(space + 1) };
  }
  return { timestamp: new Date(), text: line };
}

/**
 * Turns a logs (or attach) response into lines: demultiplexed unless the container has a TTY,
 * split per stream, timestamps parsed. @internal
 */
export async function* responseLines(response: IncomingMessage, tty: boolean, timestamps: boolean): AsyncGenerator<LogLine> {
  const demuxer = new FrameDemuxer();
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };
  const toLine = (stream: 'stdout' | 'stderr', raw: string): LogLine => {
    if (!timestamps) return { stream, text: raw, timestamp: new Date() };
    const { timestamp, text } = parseTimestamped(raw);
    return { stream, text, timestamp };
  };
  for await (const chunk of response) {
    const frames = tty ? [{ stream: 'stdout' as const, payload: chunk as Buffer }] : demuxer.push(chunk as Buffer);
    for (const frame of frames) for (const raw of splitters[frame.stream].push(frame.payload)) yield toLine(frame.stream, raw);
  }
  for (const stream of ['stdout', 'stderr'] as const) for (const raw of splitters[stream].flush()) yield toLine(stream, raw);
}

/**
 * The query of the Engine API's log endpoints (`/containers/{id}/logs`, `/services/{id}/logs`,
 * `/tasks/{id}/logs`) for the port's {@link LogOptions}: both streams, timestamps, `tail`, `since`.
 * @internal
 */
export function logQuery(options: LogOptions): { stdout: true; stderr: true; timestamps: true; follow: boolean; tail: number | 'all'; since: string | undefined } {
  return {
    stdout: true,
    stderr: true,
    timestamps: true,
    follow: options.follow === true,
    tail: options.tail === undefined ? 'all' : Math.max(0, Math.floor(options.tail)),
    since: options.since === undefined ? undefined : (options.since.getTime() / 1000).toFixed(3),
  };
}

/** `GET /containers/{id}/logs` as an async iterable of lines. @internal */
export async function* containerLogs(client: EngineClient, id: string, tty: boolean, options: LogOptions): AsyncGenerator<LogLine> {
  const { signal } = options;
  if (signal?.aborted) return;
  const { controller, dispose } = linkedController(signal);
  try {
    let response: IncomingMessage;
    try {
      response = await client.stream('GET', `/containers/${encodeURIComponent(id)}/logs`, {
        query: logQuery(options),
        signal: controller.signal,
      });
    } catch (error) {
      if (controller.signal.aborted) return;
      throw error;
    }
    const stop = onAbort(controller.signal, () => response.destroy());
    try {
      for await (const line of responseLines(response, tty, true)) {
        if (options.since !== undefined && line.timestamp.getTime() < options.since.getTime()) continue;
        yield line;
        if (controller.signal.aborted) return;
      }
    } catch (error) {
      if (controller.signal.aborted) return;
      throw error;
    } finally {
      stop();
      response.destroy();
    }
  } finally {
    dispose();
  }
}
