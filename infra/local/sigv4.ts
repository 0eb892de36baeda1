import type { IncomingHttpHeaders } from 'node:http';
import { type S3Error, signatureMismatch, unknownAccessKey } from './s3-error.ts';
import { hmac, sha256Hex, signatureMatches, signingKey } from './signing.ts';

// SigV4 verification of header-signed and presigned (query) requests, because s3rver accepts
// any signature: locally as on AWS, a wrong secret, a tampered or expired URL, or a part of
// another length than the URL was signed for is refused. The payload hash is taken as declared.

const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

const denied = (code: string, message: string, status = 403): S3Error => ({ status, code, message });

/** RFC 3986 encoding, as SigV4 wants it: everything but unreserved characters. */
const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

const parseDate = (amz: string) => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amz);
  return m
    ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
    : Number.NaN;
};

interface Parts {
  credential: string;
  signedHeaders: string;
  signature: string;
  amzDate: string;
  payloadHash: string;
  query: [string, string][];
}

const rawQuery = (url: string): [string, string][] => {
  const search = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return search
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      return (i < 0 ? [pair, ''] : [pair.slice(0, i), pair.slice(i + 1)]).map((s) =>
        decode(s.replace(/\+/g, '%20')),
      ) as [string, string];
    });
};

const headerValue = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ');
};

/** Whether the request carries a SigV4 signature at all (header or query). */
export const isSigned = (url: string, headers: IncomingHttpHeaders) =>
  /^AWS4-HMAC-SHA256 /.test(headers.authorization ?? '') || /[?&]X-Amz-Signature=/i.test(url);

export const verifySigV4 = (
  request: { method: string; url: string; headers: IncomingHttpHeaders },
  secretFor: (accessKeyId: string) => string | undefined,
  now = Date.now(),
): S3Error | undefined => {
  const query = rawQuery(request.url);
  const param = (name: string) => query.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  let parts: Parts;
  const authorization = request.headers.authorization;
  if (authorization) {
    const m = /^AWS4-HMAC-SHA256 Credential=([^,]+),\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/.exec(
      authorization,
    );
    if (!m?.[1] || !m[2] || !m[3])
      return denied('AuthorizationHeaderMalformed', 'The authorization header is malformed', 400);
    const amzDate = headerValue(request.headers, 'x-amz-date');
    if (Math.abs(now - parseDate(amzDate)) > MAX_SKEW_MS || Number.isNaN(parseDate(amzDate))) {
      return denied(
        'RequestTimeTooSkewed',
        'The difference between the request time and the current time is too large.',
      );
    }
    parts = {
      credential: m[1],
      signedHeaders: m[2],
      signature: m[3],
      amzDate,
      payloadHash: headerValue(request.headers, 'x-amz-content-sha256') || 'UNSIGNED-PAYLOAD',
      query,
    };
  } else {
    const amzDate = param('X-Amz-Date') ?? '';
    const expires = Number(param('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) {
      return denied('AuthorizationQueryParametersError', 'X-Amz-Expires must be between 1 and 604800 seconds', 400);
    }
    if (Number.isNaN(parseDate(amzDate)) || now > parseDate(amzDate) + expires * 1000) {
      return denied('AccessDenied', 'Request has expired');
    }
    parts = {
      credential: param('X-Amz-Credential') ?? '',
      signedHeaders: param('X-Amz-SignedHeaders') ?? '',
      signature: param('X-Amz-Signature') ?? '',
      amzDate,
      payloadHash: param('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
      query: query.filter(([k]) => k !== 'X-Amz-Signature'),
    };
  }

  const [accessKeyId, date, region, service, terminator] = parts.credential.split('/');
  const secret = accessKeyId ? secretFor(accessKeyId) : undefined;
  if (!secret) return unknownAccessKey;
  if (!date || !region || !service || terminator !== 'aws4_request' || !parts.amzDate.startsWith(date)) {
    return denied('AuthorizationQueryParametersError', 'The credential scope is malformed', 400);
  }
  const names = parts.signedHeaders.split(';');
  if (!names.includes('host')) return denied('AccessDenied', 'The host header must be signed');

  const path = request.url.split('?')[0] ?? '/';
  const canonicalQuery = parts.query
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = names.map((name) => `${name}:${headerValue(request.headers, name)}\n`).join('');
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery,
    canonicalHeaders,
    parts.signedHeaders,
    parts.payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', parts.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const expected = hmac(signingKey(secret, date, region, service), stringToSign);
  return signatureMatches(expected, parts.signature) ? undefined : signatureMismatch;
};
