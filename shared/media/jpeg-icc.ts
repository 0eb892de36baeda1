/**
 * An ICC profile embedded in a JPEG (ICC.1 Annex B: APP2 segments tagged `ICC_PROFILE\0`, each
 * numbered, after the start of image and the JFIF header). libvips can only attach a profile by converting the pixels
 * into it; the pixels libheif decodes are already in the HEIC's own profile, so it is added here.
 */

const SIGNATURE = Buffer.from('ICC_PROFILE\0', 'latin1');
/** A segment's length field counts itself (2), the signature (12) and the sequence bytes (2). */
const MAX_CHUNK = 0xffff - 2 - SIGNATURE.length - 2;

export const withIccProfile = (jpeg: Buffer, icc: Buffer): Buffer => {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG: no start-of-image marker');
  const count = Math.ceil(icc.length / MAX_CHUNK);
  if (count === 0 || count > 255) throw new Error(`an ICC profile of ${icc.length} bytes cannot be embedded`);
  const segments = Array.from({ length: count }, (_, i) => {
    const chunk = icc.subarray(i * MAX_CHUNK, (i + 1) * MAX_CHUNK);
    const header = Buffer.alloc(4);
    header.writeUInt16BE(0xffe2, 0);
    header.writeUInt16BE(2 + SIGNATURE.length + 2 + chunk.length, 2);
    return Buffer.concat([header, SIGNATURE, Buffer.from([i + 1, count]), chunk]);
  });
  // JFIF wants its APP0 right after the start of image.
  const at = jpeg[2] === 0xff && jpeg[3] === 0xe0 ? 4 + jpeg.readUInt16BE(4) : 2;
  return Buffer.concat([jpeg.subarray(0, at), ...segments, jpeg.subarray(at)]);
};
