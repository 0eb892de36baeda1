import { ApiError, Unreachable } from '#shared/client/index.ts';
import { parseCommand, UsageError } from './args.ts';
import { runListing } from './commands.ts';
import { CrawlError } from './crawl.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { KeyRefused } from './file-upload.ts';
import { runUpload } from './upload.ts';

// `darkroom`: the command line. Exit codes are the contract with scripts (exit-codes.ts).

export const main = async (
  argv: string[],
  io = { stdout: process.stdout, stderr: process.stderr },
): Promise<ExitCode> => {
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
    io.stderr.write('\ninterrupted: saving progress (Ctrl-C again to quit at once)\n');
    interrupt.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  try {
    const command = parseCommand(argv);
    if (command.command === 'help') {
      io.stdout.write(`${command.text}\n`);
      return EXIT.ok;
    }
    if (command.command === 'upload') return await runUpload(command, { ...io, signal: interrupt.signal });
    await runListing(command, io.stdout);
    return EXIT.ok;
  } catch (error) {
    const [code, message] = failure(error);
    io.stderr.write(`darkroom: ${message}\n`);
    return code;
  } finally {
    process.off('SIGINT', onSigint);
  }
};

const failure = (error: unknown): [ExitCode, string] => {
  if (error instanceof UsageError) return [EXIT.usage, `${error.message}\n\n${error.help}`];
  if (error instanceof CrawlError) return [EXIT.usage, error.message];
  if (error instanceof KeyRefused) return [EXIT.unreachable, `the server refused the key: ${error.message}`];
  if (error instanceof Unreachable) return [EXIT.unreachable, error.message];
  if (error instanceof ApiError && error.status === 401)
    return [EXIT.unreachable, `the server refused the key: ${error.detail}`];
  if (error instanceof ApiError && error.status === 404) return [EXIT.usage, error.detail];
  if (error instanceof ApiError) return [EXIT.partial, error.message];
  return [EXIT.partial, error instanceof Error ? error.message : String(error)];
};
