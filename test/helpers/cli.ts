import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../infra/cli/darkroom/bin.js');

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** `darkroom …` in a process of its own (one process: a SIGKILL kills the whole CLI). */
export const startCli = (args: string[], env: Record<string, string>): CliRun => {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
};

export const runCli = (args: string[], env: Record<string, string>) => startCli(args, env).done;

/**
 * A pass-through proxy in front of the local S3 that counts the body bytes of each presigned upload
 * request (POST forms and PUT parts) it forwards: what the client actually sent.
 */
export const countingProxy = async (target: string) => {
  const upstream = new URL(target);
  const counted = { bytes: 0, puts: 0, posts: 0 };
  const server = createServer((req, res) => {
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    // A client killed mid-body: S3 sees the connection drop, as it would without the proxy.
    req.on('close', () => {
      if (!req.complete) forward.destroy();
    });
    // Presigned requests carry their signature in the URL or form; the functions' own SDK calls
    // (thumbnails, copies) sign an Authorization header and are not the client's bytes.
    const client = req.headers.authorization === undefined && (req.method === 'PUT' || req.method === 'POST');
    req.on('data', (chunk: Buffer) => {
      if (client) counted.bytes += chunk.length;
    });
    if (client && req.method === 'PUT') counted.puts += 1;
    if (client && req.method === 'POST') counted.posts += 1;
    req.pipe(forward);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counted,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
};
