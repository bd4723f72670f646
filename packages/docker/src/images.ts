import path from 'node:path';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { EngineClient } from './client/engine-client.js';
import { directoryEntries, tarStream } from './client/tar.js';
import { ImageBuildError } from './errors/image-build-error.js';
import { ImageNotFoundError } from './errors/image-not-found-error.js';
import { InvalidArgumentError } from '@selur/compose';
import { isDockerDaemonUnreachableError } from './errors/docker-daemon-unreachable-error.js';

/** Splits `repo[:tag][@digest]` into what `POST /images/create` wants. @internal */
export function splitImageReference(image: string): { fromImage: string; tag: string } {
  const at = image.indexOf('@');
  if (at !== -1) return { fromImage: image.slice(0, at), tag: image.slice(at + 1) };
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > slash) return { fromImage: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { fromImage: image, tag: 'latest' };
}

interface ProgressMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** Reads a JSON-lines progress stream (build, pull); returns the messages. @internal */
export async function readProgress(response: IncomingMessage, onMessage: (message: ProgressMessage) => void): Promise<void> {
  let tail = '';
  const handle = (line: string) => {
    if (line.trim() === '') return;
    try {
      onMessage(JSON.parse(line) as ProgressMessage);
    } catch {
      onMessage({ stream: line });
    }
  };
  for await (const chunk of response) {
    const parts = (tail + (chunk as Buffer).toString('utf8')).split('\n');
    tail = parts.pop() ?? '';
    parts.forEach(handle);
  }
  handle(tail);
}

/**
 * Pulls an image once (for `platform` when given, `os/arch[/variant]`); throws an
 * {@link ImageNotFoundError} naming the service when that fails. @internal
 */
export async function pullImage(client: EngineClient, image: string, service: string | undefined, signal?: AbortSignal, platform?: string): Promise<void> {
  let failure: string | undefined;
  try {
    const query = { ...splitImageReference(image), ...(platform !== undefined ? { platform } : {}) };
    const response = await client.stream('POST', '/images/create', { query, signal, timeoutMs: 300_000 });
    await readProgress(response, (message) => {
      failure ??= message.error ?? message.errorDetail?.message;
    });
  } catch (error) {
    if (signal?.aborted || isDockerDaemonUnreachableError(error)) throw error;
    const reason = (error as { engineMessage?: unknown }).engineMessage;
    throw new ImageNotFoundError(image, typeof reason === 'string' ? reason : String((error as Error).message ?? error), { service, cause: error });
  }
  if (failure !== undefined) throw new ImageNotFoundError(image, failure, { service });
}

/**
 * Options of {@link DockerRuntime.buildImage}.
 *
 * @example
 * ```ts
 * await docker.buildImage({ context: '/src/api', dockerfile: 'Dockerfile.prod', args: { NODE_ENV: 'production' }, target: 'runtime', tag: 'shop-api:dev' });
 * ```
 */
export interface BuildImageOptions {
  /** Absolute folder sent to the engine as the build context (honours its `.dockerignore`). */
  readonly context: string;
  /** Dockerfile path, relative to the context. @default 'Dockerfile' */
  readonly dockerfile?: string | undefined;
  /** Build arguments (`ARG`). @default {} */
  readonly args?: Readonly<Record<string, string>> | undefined;
  /** Multi-stage target. */
  readonly target?: string | undefined;
  /** The tag to give the image, e.g. `shop-api:latest`. */
  readonly tag: string;
  /** Labels to put on the image. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  /** The service being built, for error messages. */
  readonly service?: string | undefined;
  /** Called with each line of build output. */
  readonly onOutput?: ((line: string) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * What a build produced.
 *
 * @example
 * ```ts
 * const { id, output } = await docker.buildImage({ context: '/src/api', tag: 'shop-api:dev' });
 * console.log(id, output.at(-1));
 * ```
 */
export interface BuildImageResult {
  /** `sha256:…` image id. */
  readonly id: string;
  readonly tag: string;
  /** Build output, line by line. */
  readonly output: readonly string[];
}

/** Tars the context in-process and posts it to `/build`. @internal */
export async function buildImage(client: EngineClient, options: BuildImageOptions): Promise<BuildImageResult> {
  if (!path.isAbsolute(options.context)) {
    throw new InvalidArgumentError(`buildImage: context must be an absolute path, got '${options.context}'`, { field: 'context', service: options.service });
  }
  const dockerfile = (options.dockerfile ?? 'Dockerfile').replace(/^\.\//, '');
  const body = Readable.from(tarStream(directoryEntries(options.context, { keep: [dockerfile, '.dockerignore'] })));
  const output: string[] = [];
  let id: string | undefined;
  let failure: string | undefined;
  try {
    const response = await client.stream('POST', '/build', {
      query: {
        t: options.tag,
        dockerfile,
        buildargs: options.args && Object.keys(options.args).length > 0 ? options.args : undefined,
        target: options.target,
        labels: options.labels && Object.keys(options.labels).length > 0 ? options.labels : undefined,
        rm: true,
        forcerm: true,
      },
      stream: body,
      contentType: 'application/x-tar',
      signal: options.signal,
    });
    await readProgress(response, (message) => {
      const text = message.stream ?? message.status;
      if (text !== undefined) {
        for (const line of text.split('\n')) {
          if (line.trim() === '') continue;
          output.push(line);
          options.onOutput?.(line);
        }
      }
      if (message.aux?.ID) id = message.aux.ID;
      failure ??= message.error ?? message.errorDetail?.message;
    });
  } catch (error) {
    if (options.signal?.aborted || isDockerDaemonUnreachableError(error)) throw error;
    const reason = (error as { engineMessage?: unknown }).engineMessage;
    throw new ImageBuildError(options.tag, options.context, typeof reason === 'string' ? reason : String((error as Error).message ?? error), output, {
      service: options.service,
      cause: error,
    });
  }
  if (failure !== undefined) throw new ImageBuildError(options.tag, options.context, failure, output, { service: options.service });
  if (id === undefined) {
    const inspect = await client.json<{ Id: string }>('GET', `/images/${encodeURIComponent(options.tag)}/json`);
    id = inspect.Id;
  }
  return { id, tag: options.tag, output };
}
