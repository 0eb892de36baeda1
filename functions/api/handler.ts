import { json } from '../../shared/http/response.ts';
import { buildAccounts } from '../accounts.ts';
import { router } from './router.ts';
import { libraryRoutes } from './routes/libraries.ts';

const accounts = buildAccounts();

export const handler = router({
  health: async () => json(200, { status: 'ok' }),
  ...libraryRoutes(accounts),
});
