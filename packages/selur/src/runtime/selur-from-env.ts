import type { CtDriver } from '@selur/compose';
import { nativeCt } from '../ct/native/native-ct.js';
import { svalinnClient } from '../svalinn/svalinn-http-client.js';
import type { SvalinnClientOptions } from '../svalinn/svalinn-client-options.js';
import { vordrClient } from '../vordr/vordr-http-client.js';
import type { VordrClientOptions } from '../vordr/vordr-options.js';
import { selurRuntime } from './selur-runtime.js';
import type { SelurRuntime, SelurRuntimeOptions } from './selur-options.js';

/**
 * Options of {@link selurRuntimeFromEnv}: everything of {@link SelurRuntimeOptions} but the three
 * parts, which are built from the environment unless given.
 *
 * @example
 * ```ts
 * selurRuntimeFromEnv({ requireSignature: true, svalinnOptions: { timeout: 10_000 } });
 * ```
 */
export interface SelurRuntimeFromEnvOptions extends Omit<SelurRuntimeOptions, 'ct' | 'svalinn' | 'vordr'> {
  /** @default nativeCt() */
  readonly ct?: CtDriver | undefined;
  /** Extra options of the Svalinn client (its URL, token and API key default to the environment). */
  readonly svalinnOptions?: Omit<SvalinnClientOptions, 'env'> | undefined;
  /** Extra options of the Vörðr client (its URL defaults to `VORDR_MCP_URL`). */
  readonly vordrOptions?: VordrClientOptions | undefined;
}

/**
 * A selur runtime configured like the upstream CLI: `SVALINN_URL`, `SVALINN_TOKEN` /
 * `SVALINN_API_KEY` for the gateway, `VORDR_MCP_URL` for the runtime, `SELUR_DEV_SECRETS`, and
 * `nativeCt()` (ct's own trust store) unless a driver is given. `SELUR_GATEWAY=vordr` (or the
 * option `gateway: 'vordr'`) starts containers on Vörðr's `tools/call` alone, without Svalinn;
 * bundles are still verified locally first.
 *
 * @example
 * ```ts
 * // SVALINN_URL=http://gateway:8000 VORDR_MCP_URL=http://vordr:8080 node deploy.js
 * const runtime = selurRuntimeFromEnv();
 * await (await loadProject('compose.toml')).up({ runtime, wait: false });
 * ```
 */
export function selurRuntimeFromEnv(options: SelurRuntimeFromEnvOptions = {}): SelurRuntime {
  const env = options.env ?? process.env;
  const { ct, svalinnOptions, vordrOptions, ...rest } = options;
  const vordrUrl = vordrOptions?.url ?? env['VORDR_MCP_URL'];
  const gateway = rest.gateway ?? (env['SELUR_GATEWAY'] === 'vordr' ? 'vordr' : 'svalinn');
  return selurRuntime({
    ...rest,
    gateway,
    env,
    ct: ct ?? nativeCt(),
    ...(gateway === 'vordr' ? {} : { svalinn: svalinnClient({ ...svalinnOptions, env }) }),
    vordr: vordrClient({ ...vordrOptions, ...(vordrUrl === undefined ? {} : { url: vordrUrl }) }),
  });
}
