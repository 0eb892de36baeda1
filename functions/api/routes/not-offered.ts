import type { RouteHandler } from '#functions/api/router.ts';
import { json } from '#shared/http/response.ts';
import { NOT_OFFERED } from '#shared/http/routes.ts';

const notOffered =
  (detail: string): RouteHandler =>
  async () =>
    json(404, { detail });

/** Upstream's stacks, versions and search: 404 with a detail that says the route is not offered. */
export const notOfferedRoutes: Record<keyof typeof NOT_OFFERED, RouteHandler> = {
  stacksNotOffered: notOffered(NOT_OFFERED.stacksNotOffered),
  stackNotOffered: notOffered(NOT_OFFERED.stackNotOffered),
  searchNotOffered: notOffered(NOT_OFFERED.searchNotOffered),
  versionsNotOffered: notOffered(NOT_OFFERED.versionsNotOffered),
  versionNotOffered: notOffered(NOT_OFFERED.versionNotOffered),
};
