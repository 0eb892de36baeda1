import { pathToFileURL } from 'node:url';
import { lambdaContext } from './lambda-context.ts';

// Runs in a child process, like a Lambda execution environment: imports one handler module and
// answers invocations sent over IPC, one at a time. Its memory is its own, so it can be measured, and a crash
// here (even a native one in a decoder) takes down this process only.

interface Invocation {
  event: unknown;
  timeoutMs: number;
}

const [modulePath, functionName = 'function'] = process.argv.slice(2);
const { handler } = (await import(pathToFileURL(modulePath ?? '').href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};

process.on('message', async ({ event, timeoutMs }: Invocation) => {
  try {
    const result = await handler(event, lambdaContext(functionName, timeoutMs));
    process.send?.({ result: result ?? null });
  } catch (error) {
    process.send?.({ error: (error as Error).message ?? String(error) });
  }
});
process.send?.({ ready: true });
