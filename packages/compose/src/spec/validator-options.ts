/**
 * The ajv options of the compose schema validator: shared by the run-time fallback
 * (schema-validator.ts) and the ahead-of-time compilation (scripts/gen-validator.mjs), so both
 * report the same errors. `verbose` keeps `parentSchema` and `data` on each error, which the
 * messages and suggestions are made from.
 */
export const VALIDATOR_OPTIONS = { allErrors: true, strict: false, verbose: true } as const;
