import { fileTypeFromFile } from 'file-type';

/** The MIME type of the bytes, from their signature; undefined when nothing matches. */
export const sniffType = async (path: string): Promise<string | undefined> => {
  const type = await fileTypeFromFile(path).catch(() => undefined);
  if (!type) return undefined;
  // file-type names Apple's MOV and M4V this way; the allowlist uses the registered names.
  return type.mime === 'image/heic-sequence'
    ? 'image/heic'
    : type.mime === 'image/heif-sequence'
      ? 'image/heif'
      : type.mime;
};
