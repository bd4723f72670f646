import type { CtDriver, CtSignatureCheck } from '@selur/compose';
import { nativeCt } from '../ct/native/native-ct.js';
import { composeMessage, lookupBundle, specOf, type BundleLookupOptions, type ProjectBundlesInput } from './project-bundles.js';

/**
 * One service's verdict in a {@link ProjectVerification}.
 *
 * @example
 * ```ts
 * const api = report.services.find((s) => s.service === 'api');
 * if (api && !api.ok) console.error(api.problems.join('\n'));
 * ```
 */
export interface ServiceVerification {
  readonly service: string;
  /** The image as written in the compose file. */
  readonly image: string;
  /** True when the bundle was found, is intact, and meets the signature requirement. */
  readonly ok: boolean;
  /** The local bundle file checked (absent when it could not be found). */
  readonly bundle?: string | undefined;
  /** `sha256:` + hex of the bundle file (what Svalinn is sent as `imageDigest`). */
  readonly digest?: string | undefined;
  readonly package?: { readonly name: string; readonly version: string } | undefined;
  readonly signatures: readonly CtSignatureCheck[];
  /** Why it is not ok (empty when ok). */
  readonly problems: readonly string[];
  /** Worth knowing, not failures (e.g. a signature by a key not in the trust store). */
  readonly warnings: readonly string[];
}

/**
 * What {@link verifyProject} found: one entry per service, in name order.
 *
 * @example
 * ```ts
 * const report = await verifyProject(project);
 * if (!report.ok) process.exitCode = 1;
 * ```
 */
export interface ProjectVerification {
  readonly project: string;
  /** True when every service's bundle is ok. */
  readonly ok: boolean;
  readonly services: readonly ServiceVerification[];
}

/**
 * Options of {@link verifyProject}.
 *
 * @example
 * ```ts
 * await verifyProject(project, { ct: nativeCt({ keys: { release: publicKeyHex } }), requireSignature: true });
 * ```
 */
export interface VerifyProjectOptions extends BundleLookupOptions {
  /** The driver that verifies the bundles. @default nativeCt() */
  readonly ct?: CtDriver | undefined;
  /** Fail bundles without a valid signature by a trusted key. @default false */
  readonly requireSignature?: boolean | undefined;
  /**
   * With `requireSignature`, the bundle members (by exact name, e.g. `src/app.js`) that may stand
   * outside the signature. A CT-SIG-01 signature covers only the manifest hash, so every other
   * member of a signed bundle is unauthenticated: strict verification fails on any not named here.
   * @default []
   */
  readonly allowUnsignedMembers?: readonly string[] | undefined;
}

/**
 * Verifies every service's `.ctp` bundle with the CtDriver (manifest hash, CT-SIG-01 signatures
 * against its trust store) and reports per service. Never throws for a bad or missing bundle: that
 * is a failed entry with its reasons.
 *
 * @example
 * ```ts
 * import { loadProject } from '@selur/compose';
 * import { verifyProject } from '@selur/compose-selur';
 * const report = await verifyProject(await loadProject('compose.toml'), { requireSignature: true });
 * for (const s of report.services) console.log(s.service, s.ok ? s.digest : s.problems.join('; '));
 * ```
 */
export async function verifyProject(project: ProjectBundlesInput, options: VerifyProjectOptions = {}): Promise<ProjectVerification> {
  const ct = options.ct ?? nativeCt();
  const { spec, workingDir } = specOf(project);
  const services = await Promise.all(
    Object.keys(spec.services)
      .sort()
      .map(async (service): Promise<ServiceVerification> => {
        const image = (spec.services[service] as { image: string }).image;
        const found = await lookupBundle(ct, image, service, workingDir, options);
        if ('problem' in found) return { service, image, ok: false, signatures: [], problems: [found.problem], warnings: [] };
        try {
          const report = await ct.verify(found.bundle, { requireSignature: options.requireSignature ?? false, allowUnsignedMembers: options.allowUnsignedMembers ?? [] });
          return {
            service,
            image,
            ok: report.ok,
            bundle: found.bundle,
            digest: report.digest,
            package: report.package,
            signatures: report.signatures,
            problems: report.problems.map((p) => p.message),
            warnings: report.warnings,
          };
        } catch (error) {
          return { service, image, ok: false, bundle: found.bundle, signatures: [], problems: [composeMessage(error)], warnings: [] };
        }
      }),
  );
  return { project: spec.name, ok: services.every((s) => s.ok), services };
}
