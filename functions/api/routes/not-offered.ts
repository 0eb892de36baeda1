import type { RouteHandler } from '#functions/api/router.ts';
import { json } from '#shared/http/response.ts';
import { NOT_OFFERED } from '#shared/http/routes.ts';

const notOffered =
  (detail: string): RouteHandler =>
  async () =>
    json(404, { detail });

/** Upstream's routes Darkroom does not offer (yet): 404 with a detail that says so. */
export const notOfferedRoutes = Object.fromEntries(
  Object.entries(NOT_OFFERED).map(([name, detail]) => [name, notOffered(detail)]),
) as Record<keyof typeof NOT_OFFERED, RouteHandler>;
