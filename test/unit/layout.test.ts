import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((m) => m[1] ?? '');

describe('the dependency rules of the README', () => {
  it('the domain imports no SDK, no media library, no adapter and reads no environment', () => {
    for (const file of filesUnder('shared/domain')) {
      for (const spec of importsOf(file)) {
        expect(spec, file).not.toMatch(
          /^@aws-sdk|^sharp|^exifr|^heic-decode|^file-type|^#shared\/(table|storage|media|aws|queue)\//,
        );
      }
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/process\.env/);
    }
  });

  it('adapters never import the functions', () => {
    for (const dir of [
      'shared/table',
      'shared/storage',
      'shared/media',
      'shared/queue',
      'shared/events',
      'shared/aws',
    ]) {
      for (const file of filesUnder(dir))
        expect(
          importsOf(file).filter((s) => s.includes('functions/')),
          file,
        ).toEqual([]);
    }
  });

  it('no import climbs out of its folder with ../: the #aliases name where it goes', () => {
    for (const dir of ['shared', 'functions', 'infra', 'test', 'bench']) {
      for (const file of filesUnder(dir))
        expect(
          importsOf(file).filter((s) => s.startsWith('../')),
          file,
        ).toEqual([]);
    }
  });
});
