import type { RouteHandler } from '#functions/api/router.ts';
import type { Profile, Users } from '#shared/domain/users.ts';
import { json } from '#shared/http/response.ts';
import type { UserResponse } from './account-schemas.ts';

export const userResponse = ({ user, storageUsedBytes, storageLimitBytes, updatedAt }: Profile): UserResponse => ({
  id: user.id,
  // Darkroom knows a user by the name their keys were made for, not by a profile.
  email: null,
  first_name: null,
  last_name: null,
  timezone: null,
  // A revoked key never gets this far; there are no administrators and no verification.
  is_active: true,
  is_superuser: false,
  is_verified: false,
  storage_used_bytes: storageUsedBytes,
  storage_limit_bytes: storageLimitBytes,
  created_at: user.createdAt,
  updated_at: updatedAt,
});

export const userRoutes = (users: Users): Record<'me' | 'ping', RouteHandler> => ({
  me: async (_event, userId) => json(200, userResponse(await users.profile(userId))),
  // The SDK's ping asks for text/plain and reads the body as the string.
  ping: async () => ({ statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'pong' }),
});
