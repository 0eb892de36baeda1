import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import type { Original } from '#shared/domain/ports.ts';

/** The MIME type of the bytes, from their signature; undefined when nothing matches. */
export const sniffType = async (file: Original): Promise<string | undefined> => {
  const type = await (file.kind === 'disk' ? fileTypeFromFile(file.path) : fileTypeFromBuffer(file.head)).catch(
    () => undefined,
  );
  if (!type) return undefined;
  // file-type names a HEIF image sequence (Live Photo stills, bursts) apart; the allowlist takes it as the image type.
  return type.mime === 'image/heic-sequence'
    ? 'image/heic'
    : type.mime === 'image/heif-sequence'
      ? 'image/heif'
      : type.mime;
};
