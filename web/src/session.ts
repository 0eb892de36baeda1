import {
  ApiError,
  createDarkroomClient,
  type DarkroomClient,
  type Schemas,
  Unreachable,
  unwrap,
} from '#shared/client/index.ts';
import { SITE_CONFIG_FILE, type SiteConfig } from '#shared/web/site-headers.ts';

// Who is signed in, and how to reach the API. The key lives in session storage (gone with the tab,
// never in a URL, never in local storage); the API's address comes from the deployment's config.

const KEY_ITEM = 'darkroom.apiKey';

export interface Session {
  client: DarkroomClient;
  apiUrl: string;
  user: Schemas['UserResponse'];
}

const unreachable = (apiUrl?: string) =>
  `Darkroom cannot be reached${apiUrl ? ` at ${apiUrl}` : ''}. Check that it is running and try again.`;

/** Words for a person: what went wrong talking to the API. */
export const problem = (error: unknown, apiUrl?: string): string => {
  if (error instanceof ApiError) {
    if (error.status === 401 || error.status === 403) return 'That API key was not accepted. Check it and try again.';
    if (error.status >= 502 && error.status <= 504) return unreachable(apiUrl);
    return error.detail;
  }
  if (error instanceof Unreachable || error instanceof TypeError) {
    return unreachable(apiUrl);
  }
  return error instanceof Error ? error.message : String(error);
};

export const loadConfig = async (): Promise<SiteConfig> => {
  const response = await fetch(`./${SITE_CONFIG_FILE}`, { cache: 'no-store' });
  if (!response.ok) throw new Unreachable(`the app's ${SITE_CONFIG_FILE} answered ${response.status}`);
  return (await response.json()) as SiteConfig;
};

/** Checks the key against the API (its user) and keeps it for this tab. */
export const signIn = async (apiUrl: string, apiKey: string): Promise<Session> => {
  const client = createDarkroomClient({ baseUrl: apiUrl, apiKey, retries: 2 });
  const user = await unwrap(client.GET('/api/users/me'));
  sessionStorage.setItem(KEY_ITEM, apiKey);
  return { client, apiUrl, user };
};

/** The session this tab signed in earlier, if its key still works. */
export const resume = async (apiUrl: string): Promise<Session | undefined> => {
  const key = sessionStorage.getItem(KEY_ITEM);
  if (!key) return undefined;
  try {
    return await signIn(apiUrl, key);
  } catch (error) {
    if (error instanceof ApiError) sessionStorage.removeItem(KEY_ITEM);
    throw error;
  }
};

export const signOut = () => sessionStorage.removeItem(KEY_ITEM);
