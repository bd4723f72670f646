import { ComposeError, guardFor } from './compose-error.js';

/** One field a runtime cannot apply, and where it is used. */
export interface UnsupportedFieldUse {
  /** The Compose field (`cap_add`, `networks.aliases`, `network.internal`). */
  readonly field: string;
  /** The service that uses it, or the network/volume/secret/config it belongs to. */
  readonly where: string;
}

/**
 * The project uses Compose fields that the runtime cannot apply. Raised by `up` (and `plan`)
 * before anything is created, listing every such field at once, so nothing is dropped in
 * silence. Pass `unsupported: 'warn'` (CLI: `--compat`) to run without them instead.
 *
 * @example
 * ```ts
 * try { await project.up({ runtime: processRuntime() }); }
 * catch (error) { if (isUnsupportedFieldError(error)) for (const u of error.fields) console.error(u.where, u.field); }
 * ```
 */
export class UnsupportedFieldError extends ComposeError {
  override readonly name = 'UnsupportedFieldError';
  /** The runtime's name. */
  readonly runtime: string;
  /** Every field in use that the runtime cannot apply. */
  readonly fields: readonly UnsupportedFieldUse[];

  constructor(runtime: string, fields: readonly UnsupportedFieldUse[]) {
    const first = fields[0];
    const list = fields.map((f) => `\`${f.field}\` (${f.where})`).join(', ');
    super(
      `the ${runtime} runtime cannot apply ${list}; remove ${fields.length === 1 ? 'it' : 'them'}, use a runtime that can, or pass { unsupported: 'warn' } (CLI: --compat) to run without ${fields.length === 1 ? 'it' : 'them'}`,
      { code: 'E_UNSUPPORTED_FIELD', service: first?.where.startsWith('service ') ? first.where.slice('service '.length).replace(/'/g, '') : undefined },
    );
    this.runtime = runtime;
    this.fields = fields;
  }
}

/**
 * True for an {@link UnsupportedFieldError} (matches by code, so it works across ESM/CJS copies).
 *
 * @example
 * ```ts
 * if (isUnsupportedFieldError(error)) console.error(error.fields);
 * ```
 */
export const isUnsupportedFieldError = guardFor<UnsupportedFieldError>('E_UNSUPPORTED_FIELD');
