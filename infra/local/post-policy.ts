import { type S3Error, signatureMismatch, unknownAccessKey } from './s3-error.ts';
import { hmac, signatureMatches, signingKey } from './signing.ts';

// Verifies a browser-based (presigned) POST the way S3 does, because s3rver checks nothing:
// SigV4 over the base64 policy, expiry, every condition, and no field the policy does not cover.

export interface PostForm {
  bucket: string;
  /** Form fields before the file part, by lower-case name, each name once. */
  fields: Map<string, string>;
  fileSize: number;
  now: Date;
  secretFor: (accessKeyId: string) => string | undefined;
}

type Condition = Record<string, unknown> | unknown[];

const deny = (message: string): S3Error => ({ status: 403, code: 'AccessDenied', message });
const invalidPolicy = (message: string): S3Error => ({
  status: 400,
  code: 'InvalidPolicyDocument',
  message: `Invalid Policy: ${message}`,
});

// S3 never requires these to be covered by a condition.
const UNCHECKED = new Set(['policy', 'x-amz-signature', 'file']);

export const verifyPostPolicy = (form: PostForm): S3Error | undefined => {
  const { fields } = form;
  const policyB64 = fields.get('policy');
  if (!policyB64) return deny('Access Denied');

  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
    return { status: 400, code: 'InvalidArgument', message: 'POST requires x-amz-algorithm AWS4-HMAC-SHA256' };
  }
  const [accessKeyId, date, region, service, terminator] = (fields.get('x-amz-credential') ?? '').split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') {
    return { status: 400, code: 'InvalidArgument', message: 'the x-amz-credential field is malformed' };
  }
  const secret = form.secretFor(accessKeyId);
  if (!secret) return unknownAccessKey;
  const expected = hmac(signingKey(secret, date, region, service), policyB64);
  if (!signatureMatches(expected, fields.get('x-amz-signature') ?? '')) return signatureMismatch;

  let policy: { expiration?: unknown; conditions?: unknown };
  try {
    policy = JSON.parse(Buffer.from(policyB64, 'base64').toString('utf8'));
  } catch {
    return invalidPolicy('Invalid JSON.');
  }
  const expiration = typeof policy.expiration === 'string' ? Date.parse(policy.expiration) : Number.NaN;
  if (Number.isNaN(expiration)) return invalidPolicy('Policy expiration must be an ISO8601 date.');
  if (form.now.getTime() > expiration) return deny('Invalid according to Policy: Policy expired.');
  if (!Array.isArray(policy.conditions)) return invalidPolicy('Policy missing conditions.');

  const covered = new Set<string>();
  for (const condition of policy.conditions as Condition[]) {
    const failure = checkCondition(condition, fields, form, covered);
    if (failure) return failure;
  }
  const extra = [...fields.keys()].filter(
    (name) => !UNCHECKED.has(name) && !name.startsWith('x-ignore-') && !covered.has(name),
  );
  if (extra.length > 0) return deny(`Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
  return undefined;
};

const checkCondition = (
  condition: Condition,
  fields: Map<string, string>,
  form: PostForm,
  covered: Set<string>,
): S3Error | undefined => {
  const fieldValue = (name: string) => (name === 'bucket' ? form.bucket : (fields.get(name) ?? ''));
  const failed = () => deny(`Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`);

  if (!Array.isArray(condition)) {
    const entries = Object.entries(condition ?? {});
    if (entries.length !== 1) return invalidPolicy('each condition object must name one field.');
    const [[name, expected]] = entries as [[string, unknown]];
    const field = name.toLowerCase();
    covered.add(field);
    return fieldValue(field) === String(expected) ? undefined : failed();
  }

  const [op, target, value] = condition;
  if (op === 'content-length-range') {
    const [min, max] = [Number(target), Number(value)];
    if (form.fileSize > max) {
      return { status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size' };
    }
    if (form.fileSize < min) {
      return {
        status: 400,
        code: 'EntityTooSmall',
        message: 'Your proposed upload is smaller than the minimum allowed size',
      };
    }
    return undefined;
  }
  if (typeof target !== 'string' || !target.startsWith('$') || typeof value !== 'string') {
    return invalidPolicy(`malformed condition ${JSON.stringify(condition)}`);
  }
  const field = target.slice(1).toLowerCase();
  covered.add(field);
  const actual = fieldValue(field);
  if (op === 'eq') return actual === value ? undefined : failed();
  if (op === 'starts-with') return actual.startsWith(value) ? undefined : failed();
  return invalidPolicy(`unknown condition operator ${JSON.stringify(op)}`);
};
