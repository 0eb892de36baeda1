import { fork } from 'node:child_process';
import { join } from 'node:path';
import { logger } from '#shared/logger.ts';

export interface S3Event {
  Records: {
    eventName: string;
    eventTime: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
    requestParameters?: { sourceIPAddress?: string };
  }[];
}

export interface S3ProcessOptions {
  directory: string;
  buckets: { name: string; configs?: string[] }[];
}

/** What s3-server.ts sends: its port once listening, then each notification, numbered. */
export type FromS3Process = { port: number } | { event: S3Event; seq: number };
/** The answer to a notification: s3rver holds its HTTP answer back until this arrives. */
export type ToS3Process = { ack: number; error?: string };

export interface EmbeddedS3 {
  port: number;
  /** The S3 process's id (a test kills it to see the stack survive). */
  pid: number;
  /** Called for each notification; the S3 answer that caused it waits for the returned promise. */
  onEvent(listener: (event: S3Event) => void | Promise<void>): void;
  close(): Promise<void>;
}

/**
 * s3rver in a child process of its own (s3-server.ts), forked like the processor's environments,
 * so nothing it needs (a DES shim on the global crypto) reaches the API's process.
 */
export const startS3 = (directory: string, buckets: S3ProcessOptions['buckets']): Promise<EmbeddedS3> =>
  new Promise((resolve, reject) => {
    const options: S3ProcessOptions = { directory, buckets };
    const child = fork(join(import.meta.dirname, 's3-server.ts'), [JSON.stringify(options)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const listeners: ((event: S3Event) => void | Promise<void>)[] = [];
    let closing = false;
    // One at a time: an acknowledgement covers every event before it, so none may overtake another.
    let delivering = Promise.resolve();
    const deliver = async ({ event, seq }: { event: S3Event; seq: number }) => {
      const answer: ToS3Process = { ack: seq };
      try {
        for (const listener of listeners) await listener(event);
      } catch (error) {
        answer.error = (error as Error).message ?? String(error);
        logger.error('a local S3 event could not be delivered', { error: error as Error });
      }
      if (child.connected) child.send(answer);
    };
    const failedToStart = (code: number | null, signal: string | null) =>
      reject(new Error(`the local S3 process exited while starting (${signal ?? code})`));
    child.once('exit', failedToStart);
    child.on('exit', (code, signal) => {
      // The gate then answers 500 to each S3 call (connection refused): loud, not hung.
      if (!closing) logger.error('the local S3 process exited', { code, signal });
    });
    child.on('message', (message: FromS3Process) => {
      if ('port' in message) {
        child.off('exit', failedToStart);
        return resolve({
          port: message.port,
          pid: child.pid ?? 0,
          onEvent: (listener) => listeners.push(listener),
          close: async () => {
            closing = true;
            if (child.exitCode !== null || child.signalCode !== null) return;
            await new Promise((exited) => {
              child.once('exit', exited);
              child.kill();
            });
          },
        });
      }
      delivering = delivering.then(() => deliver(message));
    });
  });
