import { EXIT } from './exit-codes.ts';

const CONNECTION = `connection (every command but help):
  --url URL        the Darkroom API, http(s)://…   (or DARKROOM_URL)
  --key KEY        an API key, dk_…                 (or DARKROOM_API_KEY; safer: not in ps or history)
  --json           results on stdout as JSON; progress and messages stay on stderr`;

const EXITS = `exit codes:
  ${EXIT.ok}    every file uploaded or already there
  ${EXIT.partial}    some files failed or were refused by the server
  ${EXIT.usage}    usage error: bad flag, missing path, no URL or key
  ${EXIT.unreachable}    server unreachable, or the key was refused
  ${EXIT.interrupted}  interrupted (Ctrl-C); run the same command again to resume`;

export const HELP = {
  general: `usage: darkroom COMMAND [options]

commands:
  upload PATH…               upload photos and videos (resumable)
  assets list|get|delete     list, show or delete assets
  libraries [list]           list your libraries
  albums [list]              list your albums
  help [COMMAND]             this text, or a command's

${CONNECTION}

${EXITS}`,

  upload: `usage: darkroom upload PATH… [options]

Uploads every photo and video under the paths: folders are walked (hidden files and folders are
left out, symlinks to folders are not followed), files are taken as named. A file already in the
library is not sent again. Progress is kept, so the same command run again resumes.

  --library ID        upload into this library (default: your default library)
  --album NAME        also add every file to this album
  --ignore GLOB       leave out matching files; repeatable. With a "/" it is matched against the
                      path under the argument (raw/**), without one against each name (*.tmp)
  --concurrency N     uploads at once, 1 to 64 (default: the number of CPUs)
  --dry-run           crawl, hash and check, but send nothing
  --state FILE        keep the resume state here (default: ~/.darkroom/runs, or DARKROOM_STATE_DIR)

${CONNECTION}

${EXITS}`,

  'assets-list': `usage: darkroom assets list [--library ID] [--limit N] [--after ASSET_ID]

  --library ID        only this library
  --limit N           at most N assets, 1 to 200
  --after ASSET_ID    the page after this asset

${CONNECTION}`,

  'assets-get': `usage: darkroom assets get ASSET_ID\n\n${CONNECTION}`,
  'assets-delete': `usage: darkroom assets delete ASSET_ID…\n\n${CONNECTION}`,
  'libraries-list': `usage: darkroom libraries [list]\n\n${CONNECTION}`,
  'albums-list': `usage: darkroom albums [list]\n\n${CONNECTION}`,
} as const;

export type HelpTopic = keyof typeof HELP;
