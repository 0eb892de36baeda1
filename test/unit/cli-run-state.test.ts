import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Fingerprint, RunState, stateFileFor } from '#infra/cli/darkroom/run-state.ts';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-run-state-'));
  file = join(dir, 'runs', 'state.json');
});
afterEach(() => {
  vi.useRealTimers();
});

const print: Fingerprint = { size: 1234, mtimeMs: 1_700_000_000_123.456 };
const digests = (n: number) => ({ sha256: `${'A'.repeat(40)}${String(n).padStart(3, '0')}=`, sha1: `sha1-${n}` });
const reload = async () => (await RunState.load(file)).state;

describe('the state file of a run', () => {
  const identity = { url: 'https://photos.example', library: 'lib_1', paths: ['/a', '/b'] };

  it('is the same file for the same command, whatever the order of its paths', () => {
    const first = stateFileFor(identity, '/states');
    expect(stateFileFor({ ...identity, paths: ['/b', '/a', '/a'] }, '/states')).toBe(first);
    expect(stateFileFor({ ...identity, url: 'https://photos.example/' }, '/states')).toBe(first);
    expect(first).toMatch(/^\/states\/upload-[0-9a-f]{24}\.json$/);
  });

  it('names relative paths by where they are', () => {
    expect(stateFileFor({ ...identity, paths: ['a'] }, '/s')).toBe(
      stateFileFor({ ...identity, paths: [resolve('a')] }, '/s'),
    );
  });

  it.each([
    ['url', { url: 'https://other.example' }],
    ['library', { library: 'lib_2' }],
    ['album', { album: 'Holidays' }],
    ['paths', { paths: ['/a'] }],
  ])('is another file for another %s', (_what, change) => {
    expect(stateFileFor({ ...identity, ...change }, '/states')).not.toBe(stateFileFor(identity, '/states'));
  });

  it('lives in $DARKROOM_STATE_DIR when set', () => {
    vi.stubEnv('DARKROOM_STATE_DIR', '/var/darkroom');
    expect(stateFileFor(identity)).toMatch(/^\/var\/darkroom\/upload-/);
    vi.unstubAllEnvs();
  });
});

describe('saving and loading the state', () => {
  it('starts empty when there is no file yet', async () => {
    const { state, corrupt } = await RunState.load(file);
    expect(state.size).toBe(0);
    expect(corrupt).toBeUndefined();
  });

  it('reads back every entry as it was written', async () => {
    const state = RunState.empty(file);
    state.set('/p/a.jpg', print, { ...digests(1), status: 'hashed' });
    state.set('/p/b.mp4', print, {
      ...digests(2),
      status: 'sent',
      attempts: 2,
      upload: { type: 'multipart', upload_id: 'u-1', part_size: 8_388_608, part_count: 3, parts: [1, 2] },
    });
    state.set('/p/a.jpg', print, { status: 'done', assetId: 'asset_1' });
    await state.save();
    const loaded = await reload();
    expect([...loaded]).toEqual([...state]);
    expect(loaded.get('/p/a.jpg', print)).toEqual({ ...print, ...digests(1), status: 'done', assetId: 'asset_1' });
  });

  it('drops an entry whose file changed size or time since', async () => {
    const state = RunState.empty(file);
    state.set('/p/a.jpg', print, { ...digests(1), status: 'done' });
    state.set('/p/b.jpg', print, { ...digests(2), status: 'done' });
    await state.save();
    const loaded = await reload();
    expect(loaded.get('/p/a.jpg', { ...print, mtimeMs: print.mtimeMs + 1 })).toBeUndefined();
    expect(loaded.get('/p/b.jpg', { ...print, size: print.size + 1 })).toBeUndefined();
    expect(loaded.size).toBe(0);
    // Not even the old fingerprint brings it back.
    expect(loaded.get('/p/a.jpg', print)).toBeUndefined();
  });

  it('refuses a new entry without its digests and status', () => {
    const state = RunState.empty(file);
    expect(() => state.set('/p/a.jpg', print, { status: 'hashed' })).toThrow(/sha256, sha1 and status/);
    state.set('/p/a.jpg', print, { ...digests(1), status: 'hashed' });
    expect(() => state.set('/p/a.jpg', { ...print, size: 1 }, { status: 'done' })).toThrow(/sha256/);
  });

  it.each([
    ['truncated', '{"version":1,"entries":{"/p/a.jpg":{"size":1'],
    ['not JSON', '\u0000\u0000\u0000'],
    ['another shape', '{"version":2,"entries":[]}'],
    ['an entry of another shape', '{"version":1,"entries":{"/a":{"size":"big"}}}'],
  ])('moves a %s file aside, reports it and starts empty', async (_what, text) => {
    await mkdir(join(dir, 'runs'), { recursive: true });
    await writeFile(file, text);
    const { state, corrupt } = await RunState.load(file);
    expect(state.size).toBe(0);
    expect(corrupt?.movedTo).toMatch(/state\.json\.corrupt-\d{4}-\d\d-\d\dT/);
    expect(corrupt?.reason).toBeTruthy();
    expect(await readFile(corrupt?.movedTo ?? '', 'utf8')).toBe(text);
    expect(await readdir(join(dir, 'runs'))).not.toContain('state.json');
  });

  it('writes at most once per burst of saveSoon calls', async () => {
    vi.useFakeTimers();
    const state = RunState.empty(file);
    for (let i = 0; i < 100; i++) {
      state.set(`/p/${i}.jpg`, print, { ...digests(i), status: 'hashed' });
      state.saveSoon();
    }
    expect(state.writes).toBe(0);
    vi.advanceTimersByTime(250);
    vi.useRealTimers();
    await state.flush();
    expect(state.writes).toBe(1);
    expect((await reload()).size).toBe(100);
  });

  it('keeps every change from many uploads setting and saving at once', async () => {
    const state = RunState.empty(file);
    const upload = async (i: number) => {
      const path = `/p/${i}.jpg`;
      state.set(path, print, { ...digests(i), status: 'hashed' });
      state.saveSoon();
      await new Promise((r) => setImmediate(r));
      state.set(path, print, { status: 'sent', upload: { type: 'post', expires_at: '2030-01-01T00:00:00Z' } });
      void state.save();
      await new Promise((r) => setTimeout(r, i % 7));
      state.set(path, print, { status: 'done', assetId: `asset_${i}` });
      state.saveSoon();
    };
    await Promise.all(Array.from({ length: 300 }, (_, i) => upload(i)));
    await state.flush();
    const loaded = await reload();
    expect(loaded.size).toBe(300);
    expect([...loaded].every(([, e]) => e.status === 'done' && e.assetId?.startsWith('asset_'))).toBe(true);
    // Saves joined: far fewer writes than calls, and no temporary file left behind.
    expect(state.writes).toBeLessThan(300);
    expect(await readdir(join(dir, 'runs'))).toEqual(['state.json']);
  });

  it('saves synchronously for a signal handler, and a slower write already under way does not undo it', async () => {
    const state = RunState.empty(file);
    state.set('/p/a.jpg', print, { ...digests(1), status: 'hashed' });
    const inFlight = state.save();
    state.set('/p/a.jpg', print, { status: 'done', assetId: 'asset_1' });
    state.saveNow();
    await inFlight;
    expect((await reload()).get('/p/a.jpg', print)?.status).toBe('done');
  });

  it('saves 20 000 entries in reasonable time', async () => {
    const state = RunState.empty(file);
    for (let i = 0; i < 20_000; i++) {
      state.set(`/home/user/Pictures/2024/${String(i).padStart(5, '0')}/IMG_${i}.HEIC`, print, {
        ...digests(i),
        status: i % 3 ? 'done' : 'sent',
        assetId: `asset_${'x'.repeat(22)}`,
        ...(i % 3 === 0 && {
          upload: { type: 'multipart', upload_id: 'u'.repeat(40), part_size: 8_388_608, part_count: 4 },
        }),
      });
    }
    const started = performance.now();
    await state.save();
    const saveMs = performance.now() - started;
    const loadStarted = performance.now();
    const loaded = await reload();
    const loadMs = performance.now() - loadStarted;
    state.set('/p/one-more.jpg', print, { ...digests(0), status: 'hashed' });
    const syncStarted = performance.now();
    state.saveNow();
    const saveNowMs = performance.now() - syncStarted;
    const bytes = (await readFile(file)).length;
    console.info(
      `run state, 20 000 entries, ${(bytes / 1e6).toFixed(1)} MB: save ${saveMs.toFixed(0)} ms, ` +
        `saveNow ${saveNowMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms`,
    );
    expect(loaded.size).toBe(20_000);
    // A bound that tells a broken save from a slow machine, not a benchmark.
    expect(saveMs).toBeLessThan(10_000);
  });
});

describe('a run killed at any instant', () => {
  // A child that rewrites a state of a few thousand entries as fast as it can, async and sync.
  const child = (statePath: string) => `
    import { RunState } from ${JSON.stringify(pathToFileURL(resolve('infra/cli/darkroom/run-state.ts')).href)};
    const { state } = await RunState.load(${JSON.stringify(statePath)});
    const print = { size: 1, mtimeMs: 2 };
    for (let round = 0; ; round++) {
      for (let i = 0; i < 200; i++) {
        state.set('/p/' + ((round * 200 + i) % 4000) + '.jpg', print, { sha256: 'x'.repeat(44), sha1: String(round), status: 'done' });
      }
      if (round % 5 === 4) state.saveNow(); else await state.save();
      if (round === 0) process.stdout.write('saved\\n');
    }
  `;

  const runUntilSaved = async (script: string): Promise<ChildProcess> => {
    // Node itself with tsx's loader: the tsx binary would run the script in a grandchild the kill misses.
    const proc = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((ready, fail) => {
      proc.stdout?.on('data', (data: Buffer) => data.toString().includes('saved') && ready());
      proc.on('exit', (code) => fail(new Error(`child exited with ${code} before saving`)));
    });
    return proc;
  };

  it('leaves a state file that loads, ten kills in a row', async () => {
    // .mts: the temporary folder has no package.json to make a .ts file a module.
    const script = join(dir, 'saver.mts');
    await writeFile(script, child(file));
    let previous = 0;
    for (let kill = 0; kill < 10; kill++) {
      const proc = await runUntilSaved(script);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
      const exited = new Promise((r) => proc.on('exit', r));
      proc.kill('SIGKILL');
      await exited;
      const { state, corrupt } = await RunState.load(file);
      expect(corrupt).toBeUndefined();
      // Each child loads what the last one left and only adds: a kill never loses a saved state.
      expect(state.size).toBeGreaterThanOrEqual(Math.max(200, previous));
      previous = state.size;
      // The temporary files of the killed writer are cleared on load.
      expect((await readdir(join(dir, 'runs'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    }
  });
});
