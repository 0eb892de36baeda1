import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '#infra/cli/darkroom/args.ts';
import { HELP } from '#infra/cli/darkroom/help-text.ts';

const ASSET = 'asset_23456789ABCDEFGHJKLMNP';
const OTHER = 'asset_QRSTUVWXYZabcdefghijkm';
const LIB = 'lib_23456789ABCDEFGHJKLMNP';
const env = { DARKROOM_URL: 'https://photos.example', DARKROOM_API_KEY: 'dk_secret' };
const connection = { url: 'https://photos.example', key: 'dk_secret', json: false };
const parse = (...argv: string[]) => parseCommand(argv, env);
const usageError = (argv: string[], environment: NodeJS.ProcessEnv = env) => {
  try {
    parseCommand(argv, environment);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`${argv.join(' ')} parsed`);
};

describe('upload', () => {
  it('takes paths and every upload flag', () => {
    expect(
      parse(
        'upload',
        'a',
        '/b',
        '--library',
        LIB,
        '--album',
        'Holidays 2024',
        '--ignore',
        '**/*.tmp',
        '--ignore=raw/**',
        '--concurrency',
        '8',
        '--dry-run',
        '--state',
        's.json',
        '--json',
      ),
    ).toEqual({
      ...connection,
      json: true,
      command: 'upload',
      paths: ['a', '/b'],
      library: LIB,
      album: 'Holidays 2024',
      ignore: ['**/*.tmp', 'raw/**'],
      concurrency: 8,
      dryRun: true,
      state: 's.json',
    });
  });

  it('defaults to no ignores, no dry run and one upload per CPU', () => {
    expect(parse('upload', 'a')).toEqual({
      ...connection,
      command: 'upload',
      paths: ['a'],
      ignore: [],
      concurrency: Math.min(64, availableParallelism()),
      dryRun: false,
    });
  });

  it('clamps a concurrency above 64', () => {
    expect(parse('upload', 'a', '--concurrency', '500')).toMatchObject({ concurrency: 64 });
  });

  it.each(['0', '-1', '2.5', 'many', ''])('refuses --concurrency %j', (n) => {
    expect(usageError(['upload', 'a', `--concurrency=${n}`]).message).toMatch(/--concurrency must be a positive/);
  });

  it('needs a path', () => {
    const error = usageError(['upload', '--dry-run']);
    expect(error.message).toBe('upload needs at least one path');
    expect(error.help).toBe(HELP.upload);
  });

  it('takes a path that looks like a flag after --', () => {
    expect(parse('upload', '--', '--weird-name.jpg')).toMatchObject({ paths: ['--weird-name.jpg'] });
  });
});

describe('the connection', () => {
  it('comes from the flags before the environment, without a trailing slash', () => {
    expect(parse('libraries', '--url', 'http://localhost:3000/', '--key', 'dk_flag')).toEqual({
      command: 'libraries-list',
      url: 'http://localhost:3000',
      key: 'dk_flag',
      json: false,
    });
  });

  it('is required from one or the other', () => {
    expect(usageError(['albums'], {}).message).toMatch(/--url or set DARKROOM_URL/);
    expect(usageError(['albums'], { DARKROOM_URL: 'https://x' }).message).toMatch(/--key or set DARKROOM_API_KEY/);
    expect(usageError(['albums'], { DARKROOM_URL: '', DARKROOM_API_KEY: 'k' }).message).toMatch(/DARKROOM_URL/);
  });

  it.each(['photos.example', 'ftp://photos.example', 'file:///etc'])('must be an http(s) URL, not %s', (url) => {
    expect(usageError(['albums', '--url', url]).message).toMatch(/not an? (http\(s\) )?URL/);
  });
});

describe('the other commands', () => {
  it('assets list takes a library, a limit and a cursor', () => {
    expect(parse('assets', 'list', '--library', LIB, '--limit', '50', '--after', ASSET)).toEqual({
      ...connection,
      command: 'assets-list',
      library: LIB,
      limit: 50,
      after: ASSET,
    });
    expect(parse('assets', 'list')).toEqual({ ...connection, command: 'assets-list' });
  });

  it.each(['0', '201', 'ten'])('assets list refuses --limit %s', (limit) => {
    expect(usageError(['assets', 'list', '--limit', limit]).message).toMatch(/--limit must be a whole number from 1/);
  });

  it('assets get takes one asset id', () => {
    expect(parse('assets', 'get', ASSET)).toEqual({ ...connection, command: 'assets-get', id: ASSET });
    expect(usageError(['assets', 'get']).message).toBe('assets get takes one asset id');
    expect(usageError(['assets', 'get', ASSET, OTHER]).message).toBe('assets get takes one asset id');
    expect(usageError(['assets', 'get', 'IMG_0001.jpg']).message).toBe('IMG_0001.jpg is not an asset id');
  });

  it('assets delete takes asset ids, each once', () => {
    expect(parse('assets', 'delete', ASSET, OTHER, ASSET)).toEqual({
      ...connection,
      command: 'assets-delete',
      ids: [ASSET, OTHER],
    });
    expect(usageError(['assets', 'delete']).message).toMatch(/at least one asset id/);
  });

  it('libraries and albums list, with or without the word', () => {
    expect(parse('libraries')).toEqual({ ...connection, command: 'libraries-list' });
    expect(parse('libraries', 'list')).toEqual({ ...connection, command: 'libraries-list' });
    expect(parse('albums', 'list', '--json')).toEqual({ ...connection, json: true, command: 'albums-list' });
    expect(usageError(['albums', 'show']).message).toBe('albums list takes no arguments, not show');
  });
});

describe('usage errors', () => {
  it.each([
    [[], 'no command given'],
    [['upload-all'], 'unknown command upload-all'],
    [['assets'], 'assets needs list, get or delete'],
    [['assets', 'purge'], 'unknown command assets purge'],
    [['upload', 'a', '--colour'], "Unknown option '--colour'"],
    [['upload', 'a', '--library'], "Option '--library <value>' argument missing"],
    [['assets', 'list', '--dry-run'], '--dry-run is not an option of assets list'],
    [['libraries', '--album', 'x'], '--album is not an option of libraries list'],
    [['upload', 'a', '--library', 'Family'], 'Family is not a library id'],
    [['upload', 'a', '--album', '  '], '--album is empty'],
  ])('%j: %s', (argv, message) => {
    expect(usageError(argv).message).toContain(message);
  });

  it('carry the help of the command they are about', () => {
    expect(usageError(['assets', 'list', '--dry-run']).help).toBe(HELP['assets-list']);
    expect(usageError(['frobnicate']).help).toBe(HELP.general);
  });
});

describe('help', () => {
  it('is per command, asked for by flag or by word, and needs no connection', () => {
    const noEnv = (...argv: string[]) => parseCommand(argv, {});
    expect(noEnv('--help')).toEqual({ command: 'help', text: HELP.general });
    expect(noEnv('help')).toEqual({ command: 'help', text: HELP.general });
    expect(noEnv('upload', '--help')).toEqual({ command: 'help', text: HELP.upload });
    expect(noEnv('help', 'upload')).toEqual({ command: 'help', text: HELP.upload });
    expect(noEnv('assets', 'get', '-h')).toEqual({ command: 'help', text: HELP['assets-get'] });
    expect(noEnv('assets', '--help')).toEqual({ command: 'help', text: HELP.general });
    expect(noEnv('help', 'nonsense')).toEqual({ command: 'help', text: HELP.general });
  });

  it('documents every exit code', () => {
    for (const code of ['0', '1', '2', '3', '130']) expect(HELP.general).toMatch(new RegExp(`^  ${code} +\\S`, 'm'));
  });
});
