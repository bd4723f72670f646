import { isComposeError, type CtDriver, type CtVerifyOptions, type CtVerifyReport } from '@selur/compose';
import { BundleVerificationError } from '../errors/bundle-verification-error.js';

/**
 * @internal Verifies one service's bundle with the CtDriver. A broken bundle (the driver throws) and
 * a failed check (`ok: false`) both become a {@link BundleVerificationError} naming the service.
 */
export async function verifyServiceBundle(ct: CtDriver, bundle: string, service: string, image: string, options: Pick<CtVerifyOptions, 'requireSignature' | 'allowUnsignedMembers'>): Promise<CtVerifyReport> {
  let report: CtVerifyReport;
  try {
    report = await ct.verify(bundle, options);
  } catch (cause) {
    const detail = isComposeError(cause) || cause instanceof Error ? cause.message : String(cause);
    throw new BundleVerificationError(service, image, bundle, [detail], { cause });
  }
  if (!report.ok) throw new BundleVerificationError(service, image, bundle, report.problems.map((p) => p.message));
  return report;
}
