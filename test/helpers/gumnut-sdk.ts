import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { describe } from 'vitest';

// Gumnut's official Python SDK, driven as its users drive it. The kit lives beside the checkout
// (`../shared/clients/`) and is unpacked into a temporary folder, never into the repository.

export const SDK_KIT = resolve(process.cwd(), '../shared/clients/gumnut-sdk-0.159.0-site.tgz');

const PYTHON = process.env.PYTHON ?? 'python3';
/** The SDK's core (pydantic-core) is built for CPython 3.11; any python3 that imports it will do. */
export const hasPython = spawnSync(PYTHON, ['--version']).status === 0;

/**
 * A suite that needs the SDK. Without python3 it is skipped, and says why both in the test
 * report (the suite's name) and on the console; a missing kit is a failure, not a skip.
 */
export const describeWithSdk = (name: string, body: () => void) => {
  if (hasPython) return describe(name, body);
  console.warn(`SKIPPED "${name}": python3 is not installed, so the Gumnut SDK cannot run`);
  return describe.skip(`${name} (skipped: python3 is not installed)`, body);
};

let unpacked: Promise<string> | undefined;

/** The SDK unpacked once per test file (each file has its own module graph), removed at exit. */
export const sdkPath = (): Promise<string> => {
  unpacked ??= (async () => {
    if (!existsSync(SDK_KIT)) throw new Error(`the Gumnut SDK kit is missing: ${SDK_KIT}`);
    const dir = mkdtempSync(join(tmpdir(), 'gumnut-sdk-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    await promisify(execFile)('tar', ['xzf', SDK_KIT, '-C', dir]);
    return dir;
  })();
  return unpacked;
};

/**
 * Runs before every snippet. `client` has strict response validation on (any answer that does
 * not match the SDK's models raises) and no retries (a retried failure would hide the first).
 * `ARGS` is the JSON the test passed; `emit(value)` hands a value back (models as their JSON);
 * `api_error(fn)` runs a call that must fail and answers the API's status, body and error class;
 * `checked(raw)` takes a `with_raw_response` answer, has the SDK parse it (strictly) and answers
 * the JSON as the server sent it, for the test to check against Darkroom's own schemas.
 */
const PRELUDE = `
import json, os, sys, datetime
import gumnut

client = gumnut.Gumnut(
    api_key=os.environ["DARKROOM_API_KEY"],
    base_url=os.environ["DARKROOM_BASE_URL"],
    _strict_response_validation=True,
    max_retries=0,
)
ARGS = json.loads(os.environ["DARKROOM_ARGS"])

def plain(value):
    if isinstance(value, gumnut.BaseModel):
        return value.to_dict(mode="json")
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value

def emit(value):
    sys.stdout.write("\\n__SDK_RESULT__" + json.dumps(plain(value)) + "\\n")

def checked(raw):
    raw.parse()
    return {"status": raw.status_code, "json": raw.json()}

def api_error(fn):
    try:
        fn()
    except gumnut.APIStatusError as e:
        return {"status": e.status_code, "body": e.body, "error": type(e).__name__}
    raise AssertionError("the call was expected to fail and did not")
`;

export interface SdkTarget {
  baseUrl: string;
  apiKey: string;
}

export class SdkScriptError extends Error {}

/**
 * A Python process that runs snippets one at a time, each in a namespace of its own with the
 * prelude's own client (closed after it), and is kept for the test file's next snippet: importing
 * the SDK (pydantic's models, httpx) took about a second of CPU per snippet when each had a
 * process of its own. What a snippet prints is its own; the runner answers one JSON line per
 * snippet on its real stdout.
 */
const RUNNER = `
import io, json, os, sys, traceback
channel = sys.stdout
import gumnut
for line in iter(sys.stdin.readline, ""):
    request = json.loads(line)
    os.environ.update(request["env"])
    namespace = {"__name__": "__snippet__"}
    captured = io.StringIO()
    sys.stdout = captured
    try:
        exec(compile(request["script"], "<snippet>", "exec"), namespace)
        reply = {"ok": True}
    except BaseException:
        reply = {"ok": False, "traceback": traceback.format_exc()}
    finally:
        sys.stdout = channel
        client = namespace.get("client")
        if isinstance(client, gumnut.Gumnut):
            client.close()
    reply["stdout"] = captured.getvalue()
    channel.write(json.dumps(reply) + "\\n")
    channel.flush()
`;

type Reply = { ok: boolean; stdout: string; traceback?: string };

interface Runner {
  ask(request: { script: string; env: Record<string, string> }): Promise<Reply>;
  readonly alive: boolean;
}

/** Holds the event loop only while a snippet runs: an idle runner never keeps a worker alive. */
const hold = (child: ChildProcess, on: boolean) => {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as ({ ref(): void; unref(): void } | null)[])
    on ? handle?.ref() : handle?.unref();
};

const startRunner = async (): Promise<Runner> => {
  const child = spawn(PYTHON, ['-u', '-c', RUNNER], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      PYTHONPATH: await sdkPath(),
      PYTHONDONTWRITEBYTECODE: '1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  process.once('exit', () => child.kill());
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  let waiting: { resolve(reply: Reply): void; reject(error: Error): void } | undefined;
  let gone: Error | undefined;
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => {
    const next = waiting;
    waiting = undefined;
    hold(child, false);
    next?.resolve(JSON.parse(line) as Reply);
  });
  const fail = (error: Error) => {
    gone = error;
    waiting?.reject(error);
    waiting = undefined;
  };
  child.on('error', fail);
  child.on('exit', (code, signal) =>
    fail(new SdkScriptError(`the SDK runner exited with ${signal ?? code}:\n${stderr}`)),
  );
  hold(child, false);
  return {
    get alive() {
      return gone === undefined;
    },
    ask: (request) =>
      new Promise<Reply>((resolve, reject) => {
        if (gone) return reject(gone);
        waiting = { resolve, reject };
        hold(child, true);
        child.stdin?.write(`${JSON.stringify(request)}\n`);
      }),
  };
};

/**
 * Runners between snippets. Tests await their snippets one by one, so one runner serves a file; a
 * snippet still running (two at once, or one its test gave up on) keeps its runner, and the next
 * snippet gets another.
 */
const idle: Runner[] = [];

/**
 * Runs a Python snippet against Darkroom through the SDK and answers what it `emit`ted (the last
 * value). Asynchronous on purpose: the local stack serves from this very process.
 */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever the SDK answered.
export const runSdk = async <T = any>(target: SdkTarget, script: string, args: unknown = {}): Promise<T> => {
  const runner = idle.pop() ?? (await startRunner());
  let reply: Reply;
  try {
    reply = await runner.ask({
      script: `${PRELUDE}\n${script}`,
      env: {
        DARKROOM_BASE_URL: target.baseUrl,
        DARKROOM_API_KEY: target.apiKey,
        DARKROOM_ARGS: JSON.stringify(args),
      },
    });
  } finally {
    if (runner.alive) idle.push(runner);
  }
  const { ok, stdout, traceback } = reply;
  if (!ok) throw new SdkScriptError(`the SDK snippet failed:\n${traceback}${stdout && `\n${stdout}`}`);
  const marker = stdout.lastIndexOf('\n__SDK_RESULT__');
  if (marker < 0) throw new SdkScriptError(`the SDK snippet emitted nothing:\n${stdout}`);
  const line = stdout.slice(marker + '\n__SDK_RESULT__'.length).split('\n')[0] ?? '';
  return JSON.parse(line) as T;
};

/**
 * A Python helper for scripts: a call through the SDK's raw response, `.parse()`d (strict
 * validation holds it to the SDK's model), answering the status and the JSON as sent.
 */
export const RAW = `
def raw(call):
    response = call()
    response.parse()
    return {"status": response.status_code, "json": response.json()}
`;
