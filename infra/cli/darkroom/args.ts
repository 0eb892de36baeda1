import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { idPattern } from '#shared/domain/ids.ts';
import { HELP, type HelpTopic } from './help-text.ts';

/** A command that cannot run as given; `help` is the text to show with the message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly help: string = HELP.general,
  ) {
    super(message);
  }
}

export interface Connection {
  /** http(s), without a trailing slash. */
  url: string;
  key: string;
  json: boolean;
}

export interface UploadCommand extends Connection {
  command: 'upload';
  paths: string[];
  library?: string;
  album?: string;
  ignore: string[];
  concurrency: number;
  dryRun: boolean;
  state?: string;
}

export type Command =
  | { command: 'help'; text: string }
  | UploadCommand
  | (Connection & { command: 'assets-list'; library?: string; limit?: number; after?: string })
  | (Connection & { command: 'assets-get'; id: string })
  | (Connection & { command: 'assets-delete'; ids: string[] })
  | (Connection & { command: 'libraries-list' })
  | (Connection & { command: 'albums-list' });

const OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  library: { type: 'string' },
  album: { type: 'string' },
  ignore: { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  'dry-run': { type: 'boolean' },
  state: { type: 'string' },
  limit: { type: 'string' },
  after: { type: 'string' },
} as const;
type OptionName = keyof typeof OPTIONS;

const GLOBAL: readonly OptionName[] = ['url', 'key', 'json', 'help'];
const ALLOWED: Record<HelpTopic, readonly OptionName[]> = {
  general: [],
  upload: ['library', 'album', 'ignore', 'concurrency', 'dry-run', 'state'],
  'assets-list': ['library', 'limit', 'after'],
  'assets-get': [],
  'assets-delete': [],
  'libraries-list': [],
  'albums-list': [],
};

export const MAX_CONCURRENCY = 64;
// The API's page limit for listing assets.
const MAX_LIMIT = 200;

export const defaultConcurrency = (): number => Math.min(MAX_CONCURRENCY, Math.max(1, availableParallelism()));

/** The command a `darkroom` argv asks for, or a UsageError that says what is wrong with it. */
export const parseCommand = (argv: string[], env: NodeJS.ProcessEnv = process.env): Command => {
  const { values, positionals, tokens } = parse(argv);
  const [name, ...rest] = positionals;
  if (name === 'help') return helpFor(rest[0], rest.slice(1));
  if (values.help) return helpFor(name, rest);
  if (name === undefined) throw new UsageError('no command given');
  const { topic, operands } = topicOf(name, rest);

  const used = new Set(tokens.flatMap((t) => (t.kind === 'option' ? [t.name] : [])));
  for (const option of used) {
    if (![...GLOBAL, ...ALLOWED[topic]].some((allowed) => allowed === option)) {
      throw new UsageError(`--${option} is not an option of ${topic.replace('-', ' ')}`, HELP[topic]);
    }
  }
  const fail = (message: string): never => {
    throw new UsageError(message, HELP[topic]);
  };
  const connection = connectionOf(values, env, fail);
  const id = (text: string, prefix: 'asset' | 'lib') =>
    idPattern(prefix).test(text) ? text : fail(`${text} is not ${prefix === 'asset' ? 'an asset' : 'a library'} id`);
  const library = values.library === undefined ? {} : { library: id(values.library, 'lib') };

  switch (topic) {
    case 'upload':
      if (operands.length === 0) fail('upload needs at least one path');
      return {
        ...connection,
        command: 'upload',
        paths: operands,
        ...library,
        ...(values.album !== undefined && { album: nonEmpty(values.album, '--album', fail) }),
        ignore: values.ignore ?? [],
        concurrency: concurrencyOf(values.concurrency, fail),
        dryRun: values['dry-run'] ?? false,
        ...(values.state !== undefined && { state: nonEmpty(values.state, '--state', fail) }),
      };
    case 'assets-list':
      noOperands(operands, topic, fail);
      return {
        ...connection,
        command: 'assets-list',
        ...library,
        ...(values.limit !== undefined && { limit: integerIn(values.limit, '--limit', 1, MAX_LIMIT, fail) }),
        ...(values.after !== undefined && { after: id(values.after, 'asset') }),
      };
    case 'assets-get': {
      const [asset, ...extra] = operands;
      if (asset === undefined || extra.length > 0) fail('assets get takes one asset id');
      return { ...connection, command: 'assets-get', id: id(asset ?? '', 'asset') };
    }
    case 'assets-delete':
      if (operands.length === 0) fail('assets delete needs at least one asset id');
      return { ...connection, command: 'assets-delete', ids: [...new Set(operands.map((a) => id(a, 'asset')))] };
    case 'libraries-list':
    case 'albums-list':
      noOperands(operands, topic, fail);
      return { ...connection, command: topic };
    case 'general':
      return fail(`unknown command ${name}`);
  }
};

const parse = (argv: string[]) => {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    // parseArgs explains itself well ("Unknown option '--x'"); only its class is wrong for us.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
};

/** Help on what was asked about, or on everything when that is not a command. */
const helpFor = (name: string | undefined, rest: string[]): Command => {
  try {
    return { command: 'help', text: HELP[topicOf(name, rest).topic] };
  } catch {
    return { command: 'help', text: HELP.general };
  }
};

const topicOf = (name: string | undefined, rest: string[]): { topic: HelpTopic; operands: string[] } => {
  const [sub, ...after] = rest;
  switch (name) {
    case 'upload':
      return { topic: 'upload', operands: rest };
    case 'assets':
      if (sub === 'list' || sub === 'get' || sub === 'delete') return { topic: `assets-${sub}`, operands: after };
      throw new UsageError(sub === undefined ? 'assets needs list, get or delete' : `unknown command assets ${sub}`);
    case 'libraries':
    case 'albums':
      return { topic: `${name}-list`, operands: sub === 'list' ? after : rest };
    case undefined:
      return { topic: 'general', operands: [] };
    default:
      throw new UsageError(`unknown command ${name}`);
  }
};

type Fail = (message: string) => never;

const connectionOf = (values: { url?: string; key?: string; json?: boolean }, env: NodeJS.ProcessEnv, fail: Fail) => {
  const url = values.url ?? env.DARKROOM_URL;
  const key = values.key ?? env.DARKROOM_API_KEY;
  if (!url) return fail('no server: pass --url or set DARKROOM_URL');
  if (!key) return fail('no API key: pass --key or set DARKROOM_API_KEY');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(`${url} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail(`${url} is not an http(s) URL`);
  return { url: url.replace(/\/+$/, ''), key, json: values.json ?? false };
};

const integerIn = (text: string, flag: string, min: number, max: number, fail: Fail): number => {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  return n >= min && n <= max ? n : fail(`${flag} must be a whole number from ${min} to ${max}, not ${text}`);
};

/** More than 64 uploads at once only queues on the server: a large ask is clamped, not refused. */
const concurrencyOf = (text: string | undefined, fail: Fail): number => {
  if (text === undefined) return defaultConcurrency();
  const n = /^\d+$/.test(text) ? Number(text) : 0;
  return n >= 1 ? Math.min(n, MAX_CONCURRENCY) : fail(`--concurrency must be a positive whole number, not ${text}`);
};

const nonEmpty = (text: string, flag: string, fail: Fail): string => (text.trim() ? text : fail(`${flag} is empty`));

const noOperands = (operands: string[], topic: HelpTopic, fail: Fail) => {
  if (operands.length > 0) fail(`${topic.replace('-', ' ')} takes no arguments, not ${operands.join(' ')}`);
};
