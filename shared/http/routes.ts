// Every HTTP API route, defined once: the CDK stack creates them, the local adapter matches
// requests against them, and the API handler dispatches on their route keys.

export const ROUTES = {
  health: { method: 'GET', path: '/api/health', auth: false },
  ping: { method: 'GET', path: '/api/server/ping', auth: false },
  me: { method: 'GET', path: '/api/users/me', auth: true },
  listLibraries: { method: 'GET', path: '/api/libraries', auth: true },
  createLibrary: { method: 'POST', path: '/api/libraries', auth: true },
  getLibrary: { method: 'GET', path: '/api/libraries/{id}', auth: true },
  updateLibrary: { method: 'PATCH', path: '/api/libraries/{id}', auth: true },
  deleteLibrary: { method: 'DELETE', path: '/api/libraries/{id}', auth: true },
  uploadAsset: { method: 'POST', path: '/api/assets', auth: true },
  createUpload: { method: 'POST', path: '/api/assets/uploads', auth: true },
  getUpload: { method: 'GET', path: '/api/assets/uploads/{id}', auth: true },
  signUploadParts: { method: 'POST', path: '/api/assets/uploads/{id}/parts', auth: true },
  completeUpload: { method: 'POST', path: '/api/assets/uploads/{id}/complete', auth: true },
  abortUpload: { method: 'DELETE', path: '/api/assets/uploads/{id}', auth: true },
  listAssets: { method: 'GET', path: '/api/assets', auth: true },
  existAssets: { method: 'POST', path: '/api/assets/exist', auth: true },
  getAsset: { method: 'GET', path: '/api/assets/{id}', auth: true },
  deleteAsset: { method: 'DELETE', path: '/api/assets/{id}', auth: true },
} as const;

export type RouteName = keyof typeof ROUTES;
export type Route = (typeof ROUTES)[RouteName];

export const routeKey = (route: Route): string => `${route.method} ${route.path}`;

/** CORS of the HTTP API (API Gateway answers the preflights itself); origins are the deployment's. */
export const API_CORS = {
  methods: ['GET', 'POST', 'PATCH', 'DELETE'],
  headers: ['authorization', 'content-type', 'idempotency-key'],
  maxAgeSeconds: 3600,
} as const;

/** The authorizer's answer, as API Gateway passes it on in `requestContext.authorizer.lambda`. */
export interface AuthContext {
  user_id?: string;
  key_id?: string;
  auth_error?: string;
  /** Set when the key could not be checked because the table was briefly unreachable. */
  auth_unavailable?: string;
}
