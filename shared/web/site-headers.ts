// The web app's security headers and Content-Security-Policy, defined once: the CDK stack turns
// them into the CloudFront distribution's response headers policy and the local stack sends them
// with every file it serves, so the browser tests run under the policy users get.

export interface SiteOrigins {
  /**
   * Where signed media URLs and upload targets point: the buckets' origins. The API needs no entry:
   * the app and the API share an origin (the local server serves both; CloudFront sends `/api/*` to
   * API Gateway), so the app needs no CORS and pays no preflights.
   */
  media: readonly string[];
}

export interface SiteHeaders {
  contentSecurityPolicy: string;
  strictTransportSecurity: { maxAgeSeconds: number; includeSubdomains: boolean; preload: boolean };
  frameOptions: 'DENY';
  referrerPolicy: 'no-referrer';
  contentTypeOptions: 'nosniff';
  /** Headers CloudFront has no typed setting for. */
  custom: Record<string, string>;
}

/**
 * Only the app's own files run; it talks to its origin (the API) and the buckets and nothing else. Images may
 * also be data: (thumbhash placeholders) and blob: (previews of files being uploaded). Referrers
 * are never sent: a signed URL in one would be a credential handed to whoever is linked.
 */
export const siteHeaders = ({ media }: SiteOrigins): SiteHeaders => {
  const buckets = media.join(' ');
  return {
    contentSecurityPolicy: [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      `img-src 'self' data: blob: ${buckets}`,
      `media-src 'self' ${buckets}`,
      `connect-src 'self' ${buckets}`,
      "manifest-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    strictTransportSecurity: { maxAgeSeconds: 2 * 365 * 24 * 3600, includeSubdomains: true, preload: true },
    frameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    contentTypeOptions: 'nosniff',
    custom: {
      'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
      'cross-origin-opener-policy': 'same-origin',
    },
  };
};

/** The same headers as HTTP header lines, for a server that is not CloudFront. */
export const headerLines = (headers: SiteHeaders): Record<string, string> => {
  const hsts = headers.strictTransportSecurity;
  return {
    'content-security-policy': headers.contentSecurityPolicy,
    'strict-transport-security': `max-age=${hsts.maxAgeSeconds}${hsts.includeSubdomains ? '; includeSubDomains' : ''}${hsts.preload ? '; preload' : ''}`,
    'x-frame-options': headers.frameOptions,
    'referrer-policy': headers.referrerPolicy,
    'x-content-type-options': headers.contentTypeOptions,
    ...headers.custom,
  };
};

/** The file the app reads at start to learn where the API is (written by the deployment and the local server). */
export const SITE_CONFIG_FILE = 'config.json';
export interface SiteConfig {
  apiUrl: string;
}
