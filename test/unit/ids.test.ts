import { describe, expect, it } from 'vitest';
import { encodeUuid, idPattern, newId } from '#shared/domain/ids.ts';

describe('ids', () => {
  it('are a prefix and 22 base57 characters', () => {
    const id = newId('asset');
    expect(id).toMatch(idPattern('asset'));
    expect(id).toHaveLength('asset_'.length + 22);
  });

  it('encode the smallest and largest UUIDs at full width, distinctly', () => {
    const low = encodeUuid('00000000-0000-0000-0000-000000000000');
    const high = encodeUuid('ffffffff-ffff-ffff-ffff-ffffffffffff');
    expect(low).toBe('2222222222222222222222');
    expect(high).toHaveLength(22);
    expect(high).not.toBe(low);
  });

  it('do not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('lib')));
    expect(ids.size).toBe(1000);
  });

  it('reject other prefixes and shapes', () => {
    expect(newId('lib')).not.toMatch(idPattern('asset'));
    expect('asset_0000000000000000000000').not.toMatch(idPattern('asset'));
  });
});
