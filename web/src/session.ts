import { ApiError, createDarkroomClient, type DarkroomClient, Unreachable, unwrap } from '#shared/client/index.ts';
import { SITE_CONFIG_FILE, type SiteConfig } from '#shared/web/site-headers.ts';

// Who is signed in, and how to reach the API. The key lives in session storage (gone with the tab,
// never in a URL, never in local storage); the API's address comes from the deployment's config.

const KEY_ITEM = 'darkroom.apiKey';

export interface Session {
  client: DarkroomClient;
  apiUrl: string;
}

/** Any 401 means the key stopped working (revoked, or another tab signed out): `onRejected` signs out. */
const clientFor = (apiUrl: string, apiKey: string, onRejected: () => void) =>
  createDarkroomClient({
    baseUrl: apiUrl,
    apiKey,
    retries: 2,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (response.status === 401) onRejected();
      return response;
    },
  });

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
export const signIn = async (apiUrl: string, apiKey: string, onRejected: () => void): Promise<Session> => {
  const checking = createDarkroomClient({ baseUrl: apiUrl, apiKey, retries: 2 });
  await unwrap(checking.GET('/api/users/me'));
  sessionStorage.setItem(KEY_ITEM, apiKey);
  return { client: clientFor(apiUrl, apiKey, onRejected), apiUrl };
};

/**
 * The session this tab signed in earlier, at once: the key was checked then, and the first answer
 * that refuses it signs out, so opening the app waits for no round trip before the timeline's.
 */
export const resume = (apiUrl: string, onRejected: () => void): Session | undefined => {
  const key = sessionStorage.getItem(KEY_ITEM);
  return key ? { client: clientFor(apiUrl, key, onRejected), apiUrl } : undefined;
};

export const signOut = () => sessionStorage.removeItem(KEY_ITEM);
