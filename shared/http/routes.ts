// Every HTTP API route, defined once: the CDK stack creates them, the local adapter matches
// requests against them, and the API handler dispatches on their route keys.

export const ROUTES = {
  health: { method: 'GET', path: '/api/health', auth: false },
  ping: { method: 'GET', path: '/api/server/ping', auth: false },
  openApi: { method: 'GET', path: '/api/openapi.json', auth: false },
  me: { method: 'GET', path: '/api/users/me', auth: true },
  listLibraries: { method: 'GET', path: '/api/libraries', auth: true },
  createLibrary: { method: 'POST', path: '/api/libraries', auth: true },
  getLibrary: { method: 'GET', path: '/api/libraries/{id}', auth: true },
  updateLibrary: { method: 'PATCH', path: '/api/libraries/{id}', auth: true },
  deleteLibrary: { method: 'DELETE', path: '/api/libraries/{id}', auth: true },
  trashLibrary: { method: 'POST', path: '/api/libraries/{id}/trash', auth: true },
  restoreLibrary: { method: 'POST', path: '/api/libraries/{id}/restore', auth: true },
  uploadAsset: { method: 'POST', path: '/api/assets', auth: true },
  createUpload: { method: 'POST', path: '/api/assets/uploads', auth: true },
  getUpload: { method: 'GET', path: '/api/assets/uploads/{id}', auth: true },
  signUploadParts: { method: 'POST', path: '/api/assets/uploads/{id}/parts', auth: true },
  completeUpload: { method: 'POST', path: '/api/assets/uploads/{id}/complete', auth: true },
  abortUpload: { method: 'DELETE', path: '/api/assets/uploads/{id}', auth: true },
  listAssets: { method: 'GET', path: '/api/assets', auth: true },
  geoClusters: { method: 'GET', path: '/api/assets/geo-clusters', auth: true },
  assetCounts: { method: 'GET', path: '/api/assets/counts', auth: true },
  existAssets: { method: 'POST', path: '/api/assets/exist', auth: true },
  bulkUpdateAssets: { method: 'POST', path: '/api/assets/bulk-update', auth: true },
  trashAssets: { method: 'POST', path: '/api/assets/trash', auth: true },
  restoreAssets: { method: 'POST', path: '/api/assets/restore', auth: true },
  emptyTrash: { method: 'POST', path: '/api/assets/empty-trash', auth: true },
  deleteAssets: { method: 'DELETE', path: '/api/assets', auth: true },
  getAsset: { method: 'GET', path: '/api/assets/{id}', auth: true },
  updateAsset: { method: 'PATCH', path: '/api/assets/{id}', auth: true },
  deleteAsset: { method: 'DELETE', path: '/api/assets/{id}', auth: true },
  createFace: { method: 'POST', path: '/api/faces', auth: true },
  listFaces: { method: 'GET', path: '/api/faces', auth: true },
  getFace: { method: 'GET', path: '/api/faces/{id}', auth: true },
  updateFace: { method: 'PATCH', path: '/api/faces/{id}', auth: true },
  deleteFace: { method: 'DELETE', path: '/api/faces/{id}', auth: true },
  listPeople: { method: 'GET', path: '/api/people', auth: true },
  createPerson: { method: 'POST', path: '/api/people', auth: true },
  getPerson: { method: 'GET', path: '/api/people/{id}', auth: true },
  updatePerson: { method: 'PATCH', path: '/api/people/{id}', auth: true },
  deletePerson: { method: 'DELETE', path: '/api/people/{id}', auth: true },
  mergePeople: { method: 'POST', path: '/api/people/{id}/merge', auth: true },
  listAlbums: { method: 'GET', path: '/api/albums', auth: true },
  createAlbum: { method: 'POST', path: '/api/albums', auth: true },
  getAlbum: { method: 'GET', path: '/api/albums/{id}', auth: true },
  updateAlbum: { method: 'PATCH', path: '/api/albums/{id}', auth: true },
  deleteAlbum: { method: 'DELETE', path: '/api/albums/{id}', auth: true },
  addAlbumAssets: { method: 'POST', path: '/api/albums/{id}/assets', auth: true },
  removeAlbumAssets: { method: 'DELETE', path: '/api/albums/{id}/assets', auth: true },
  listAlbumAssetLinks: { method: 'GET', path: '/api/album-assets', auth: true },
  getAlbumAssetLink: { method: 'GET', path: '/api/album-assets/{id}', auth: true },
  assetTasks: { method: 'GET', path: '/api/tasks/asset/{id}', auth: true },
  listEvents: { method: 'GET', path: '/api/events', auth: true },
  // Upstream routes the Gumnut SDK calls that Darkroom does not offer: a clean 404 that says so
  // (NOT_OFFERED), not API Gateway's bare "Not Found"; behind the key like every route but health.
  stacksNotOffered: { method: 'ANY', path: '/api/stacks', auth: true },
  stackNotOffered: { method: 'ANY', path: '/api/stacks/{proxy+}', auth: true },
  searchNotOffered: { method: 'ANY', path: '/api/search', auth: true },
  versionsNotOffered: { method: 'ANY', path: '/api/assets/{id}/versions', auth: true },
  versionNotOffered: { method: 'ANY', path: '/api/assets/{id}/versions/{proxy+}', auth: true },
} as const;

/** Why each not-offered route answers 404. */
export const NOT_OFFERED = {
  stacksNotOffered: 'stacks are not offered by Darkroom',
  stackNotOffered: 'stacks are not offered by Darkroom',
  searchNotOffered: 'search is not offered by Darkroom',
  versionsNotOffered: 'asset versions are not offered by Darkroom',
  versionNotOffered: 'asset versions are not offered by Darkroom',
} as const satisfies Partial<Record<keyof typeof ROUTES, string>>;

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
