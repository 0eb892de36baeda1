import { type Asset, createDarkroomClient, type DarkroomClient, unwrap } from '#shared/client/index.ts';
import type { Command } from './args.ts';
import { formatBytes } from './human.ts';
import { table } from './table.ts';

// The commands for scripts and quick looks: one API call each (or one per page), a table for
// people, the API's own JSON with --json.

type Listing = Exclude<Command, { command: 'help' | 'upload' }>;

const assetRow = (a: Asset) => [
  a.id,
  a.local_datetime,
  a.mime_type,
  formatBytes(a.file_size_bytes),
  a.state,
  a.original_file_name,
];

export const runListing = async (command: Listing, out: NodeJS.WritableStream): Promise<void> => {
  const client = createDarkroomClient({ baseUrl: command.url, apiKey: command.key });
  const print = (json: unknown, text: () => string): void => {
    out.write(`${command.json ? JSON.stringify(json, null, 2) : text()}\n`);
  };
  switch (command.command) {
    case 'assets-list': {
      const page = await unwrap(
        client.GET('/api/assets', {
          params: {
            query: {
              ...(command.library && { library_id: command.library }),
              ...(command.limit && { limit: command.limit }),
              ...(command.after && { starting_after_id: command.after }),
            },
          },
        }),
      );
      const assets = page.data as Asset[];
      return print(page, () => {
        const rows = table(['ID', 'TAKEN', 'TYPE', 'SIZE', 'STATE', 'NAME'], assets.map(assetRow));
        const next = page.has_more ? `\nmore: darkroom assets list --after ${assets.at(-1)?.id}` : '';
        return `${rows}${next}`;
      });
    }
    case 'assets-get': {
      const asset = (await unwrap(client.GET('/api/assets/{id}', { params: { path: { id: command.id } } }))) as Asset;
      return print(asset, () =>
        [
          ['id', asset.id],
          ['library', asset.library_id],
          ['name', asset.original_file_name],
          ['type', asset.mime_type],
          ['size', formatBytes(asset.file_size_bytes)],
          ['dimensions', `${asset.width}×${asset.height}`],
          ['taken', asset.local_datetime],
          ['state', asset.error ? `${asset.state} (${asset.error})` : asset.state],
          ['sha256', asset.checksum],
          ['download', asset.download_url],
        ]
          .map(([k, v]) => `${String(k).padEnd(11)}${v ?? '—'}`)
          .join('\n'),
      );
    }
    case 'assets-delete': {
      for (const id of command.ids) await unwrap(client.DELETE('/api/assets/{id}', { params: { path: { id } } }));
      return print({ deleted: command.ids }, () => command.ids.map((id) => `deleted ${id}`).join('\n'));
    }
    case 'libraries-list': {
      const libraries = await unwrap(client.GET('/api/libraries'));
      return print(libraries, () =>
        table(
          ['ID', 'NAME', 'ASSETS', 'STORED'],
          libraries.map((l) => [l.id, l.name, l.asset_count, formatBytes(l.storage_used_bytes)]),
        ),
      );
    }
    case 'albums-list': {
      const albums = await allAlbums(client);
      return print(albums, () =>
        table(
          ['ID', 'NAME', 'ASSETS', 'FROM', 'TO'],
          albums.map((a) => [a.id, a.name, a.asset_count, a.start_date, a.end_date]),
        ),
      );
    }
  }
};

const allAlbums = async (client: DarkroomClient) => {
  const albums = [];
  let after: string | undefined;
  for (;;) {
    const page = await unwrap(
      client.GET('/api/albums', { params: { query: { limit: 200, ...(after && { starting_after_id: after }) } } }),
    );
    albums.push(...page.data);
    if (!page.has_more || page.data.length === 0) return albums;
    after = page.data.at(-1)?.id;
  }
};
