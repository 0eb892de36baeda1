import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeFor } from '#infra/cli/darkroom/exit-codes.ts';

describe('exit codes', () => {
  it('are the documented numbers, each once', () => {
    expect(EXIT).toEqual({ ok: 0, partial: 1, usage: 2, unreachable: 3, interrupted: 130 });
    expect(new Set(Object.values(EXIT)).size).toBe(Object.keys(EXIT).length);
  });

  it('is 0 when every file was uploaded or already there', () => {
    expect(exitCodeFor({ failed: 0, refused: 0 })).toBe(0);
  });

  it('is 1 when a file failed, and when the server refused one', () => {
    expect(exitCodeFor({ failed: 1, refused: 0 })).toBe(1);
    expect(exitCodeFor({ failed: 0, refused: 1 })).toBe(1);
  });

  it('is 3 when the server is unreachable or refuses the key, whatever was counted', () => {
    expect(exitCodeFor({ failed: 5, refused: 0, unreachable: true })).toBe(3);
  });

  it('is 130 when interrupted, even with failures', () => {
    expect(exitCodeFor({ failed: 2, refused: 1, unreachable: true, interrupted: true })).toBe(130);
  });
});
