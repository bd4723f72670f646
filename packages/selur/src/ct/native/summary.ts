import type { CtAttestation, CtSignatureAttestation, CtSummary } from '@selur/compose';
import { BundleError } from '../../errors/bundle-error.js';

/** Key ids are file names in the trust store: no slashes, no leading dot. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const SIGNATURE_KEYS = ['type', 'suite', 'key_id', 'fingerprint', 'signature', 'timestamp'] as const;
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Renders `summary.json` byte for byte as ct writes it (two-space indent, `": "` separators, one
 * final LF). ct's verifier searches for the literal `"manifest_sha256": "`, so this layout matters.
 */
export function renderSummary(summary: CtSummary): string {
  const s = JSON.stringify;
  const attestations =
    summary.attestations.length === 0
      ? '[]'
      : `[\n${summary.attestations
          .map((attestation) => {
            const keys = attestation.type === 'signature' ? SIGNATURE_KEYS : Object.keys(attestation);
            const record = attestation as unknown as Readonly<Record<string, string>>;
            return `    {\n${keys.map((key) => `      ${s(key)}: ${s(record[key])}`).join(',\n')}\n    }`;
          })
          .join(',\n')}\n  ]`;
  return (
    '{\n' +
    `  "ctp_version": ${s(summary.ctpVersion)},\n` +
    '  "package": {\n' +
    `    "name": ${s(summary.package.name)},\n` +
    `    "version": ${s(summary.package.version)}\n` +
    '  },\n' +
    '  "content": {\n' +
    `    "manifest_sha256": ${s(summary.manifestSha256)}\n` +
    '  },\n' +
    `  "attestations": ${attestations}\n` +
    '}\n'
  );
}

/**
 * Parses `summary.json` and insists on ct's exact layout: the text must equal what
 * {@link renderSummary} writes for the parsed value. Compact JSON, extra fields, wrong types or
 * malformed hashes, key ids and signatures are a `malformed-summary` {@link BundleError}.
 */
export function parseSummary(bytes: Uint8Array, bundle?: string): CtSummary {
  const fail = (detail: string, cause?: unknown) => new BundleError('malformed-summary', detail, { bundle, member: 'summary.json', cause });
  let text: string;
  let value: unknown;
  try {
    text = decoder.decode(bytes);
    value = JSON.parse(text);
  } catch (cause) {
    throw fail('not valid UTF-8 JSON', cause);
  }
  const root = record(value, 'the summary', fail);
  exactKeys(root, ['ctp_version', 'package', 'content', 'attestations'], 'the summary', fail);
  const pkg = record(root['package'], 'package', fail);
  exactKeys(pkg, ['name', 'version'], 'package', fail);
  const content = record(root['content'], 'content', fail);
  exactKeys(content, ['manifest_sha256'], 'content', fail);
  const ctpVersion = str(root['ctp_version'], 'ctp_version', fail);
  if (ctpVersion !== '1.0') throw fail(`ctp_version '${ctpVersion}' is not 1.0`);
  const manifestSha256 = str(content['manifest_sha256'], 'content.manifest_sha256', fail);
  if (!HEX64.test(manifestSha256)) throw fail('content.manifest_sha256 is not 64 lowercase hex characters');
  if (!Array.isArray(root['attestations'])) throw fail('attestations is not an array');
  const attestations = (root['attestations'] as unknown[]).map((item, index) => attestation(item, index, fail));
  const summary: CtSummary = {
    ctpVersion,
    package: { name: str(pkg['name'], 'package.name', fail), version: str(pkg['version'], 'package.version', fail) },
    manifestSha256,
    attestations,
  };
  if (renderSummary(summary) !== text) throw fail("not in ct's exact layout (compact or reformatted JSON, or fields out of order)");
  return summary;
}

type Fail = (detail: string) => BundleError;

function attestation(value: unknown, index: number, fail: Fail): CtAttestation {
  const where = `attestations[${index}]`;
  const item = record(value, where, fail);
  for (const [key, field] of Object.entries(item)) str(field, `${where}.${key}`, fail);
  const fields = item as Record<string, string>;
  if (typeof fields['type'] !== 'string') throw fail(`${where}.type is missing`);
  if (fields['type'] !== 'signature') return fields as CtAttestation;
  exactKeys(item, SIGNATURE_KEYS, where, fail);
  const signature = fields as unknown as CtSignatureAttestation;
  if (!KEY_ID_PATTERN.test(signature.key_id)) throw fail(`${where}.key_id '${signature.key_id}' is not a valid key id`);
  if (!HEX64.test(signature.fingerprint)) throw fail(`${where}.fingerprint is not 64 lowercase hex characters`);
  if (!HEX128.test(signature.signature)) throw fail(`${where}.signature is not 128 lowercase hex characters`);
  if (!TIMESTAMP.test(signature.timestamp)) throw fail(`${where}.timestamp is not 'YYYY-MM-DD HH:MM:SS'`);
  return signature;
}

function record(value: unknown, where: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(`${where} is not an object`);
  return value as Record<string, unknown>;
}

function exactKeys(value: Record<string, unknown>, keys: readonly string[], where: string, fail: Fail): void {
  const actual = Object.keys(value);
  const missing = keys.filter((key) => !actual.includes(key));
  const extra = actual.filter((key) => !keys.includes(key));
  if (missing.length > 0) throw fail(`${where} lacks ${missing.join(', ')}`);
  if (extra.length > 0) throw fail(`${where} has unexpected ${extra.join(', ')}`);
}

function str(value: unknown, where: string, fail: Fail): string {
  if (typeof value !== 'string') throw fail(`${where} is not a string`);
  return value;
}
