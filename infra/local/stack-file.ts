import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Where a running local stack publishes its endpoints, so CLIs go through it, not its files. */
export interface StackFile {
  pid: number;
  apiUrl: string;
  s3Url: string;
  dynamoUrl: string;
  sqs: {
    url: string;
    queueUrl: string;
    deadLetterQueueUrl: string;
    faceQueueUrl: string;
    faceDeadLetterQueueUrl: string;
  };
  env: Record<string, string>;
}

export const dataDirFrom = (env: NodeJS.ProcessEnv = process.env): string => resolve(env.DARKROOM_DATA_DIR ?? '.data');

const path = (dataDir: string) => join(dataDir, 'stack.json');

export const writeStackFile = (dataDir: string, stack: StackFile) =>
  writeFile(path(dataDir), JSON.stringify(stack, null, 2));

export const removeStackFile = (dataDir: string) => rm(path(dataDir), { force: true });

/** Whether a process of this id exists (signal 0 checks without sending anything). */
export const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The stack running on this data directory, if any. */
export const readRunningStack = async (dataDir: string): Promise<StackFile | undefined> => {
  try {
    const stack = JSON.parse(await readFile(path(dataDir), 'utf8')) as StackFile;
    return isAlive(stack.pid) ? stack : undefined;
  } catch {
    return undefined;
  }
};
