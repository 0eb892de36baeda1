import { MediaRejected } from '#shared/domain/errors.ts';
import { MAX_PIXELS } from '#shared/domain/media-types.ts';
import { loadSharp } from '#shared/media/native.ts';
import type { DetectedFace, DisplaySize, FaceBox, FaceDetector } from './face-detector.ts';
import { type FaceApi, type FaceModelPaths, loadFaceApi, packagedFaceModelPaths } from './face-models.ts';
import { type Candidate, cutByTile, type Rect, suppress, tileGrid } from './tiling.ts';

const DESCRIBE_BATCH = 16;
/** Below this on either side no face of minFacePixels fits, and SSD's convolutions would fail. */
const MIN_IMAGE_PIXELS = 32;

// face-api's published types carry a trimmed copy of tfjs's: the tensor type its functions take.
type Tensor3D = Parameters<FaceApi['extractFaceTensors']>[0] & { shape: number[] };

export interface FaceDetectorOptions {
  /** The long side images are decoded to; faces are found and described at this size. */
  workingEdge: number;
  /** Candidates below this score are dropped before merging. */
  candidateConfidence: number;
  /** A face is kept from this score on. */
  minConfidence: number;
  /** Faces narrower than this, in working pixels, are dropped: too few pixels to describe. */
  minFacePixels: number;
  /** A face narrower than this in the first pass asks for the tiled pass. */
  smallFacePixels: number;
  /** The tiled pass: square tiles of this side (working pixels), overlapping by this share. */
  tileSize: number;
  tileOverlap: number;
}

export const FACE_DETECTOR_DEFAULTS: FaceDetectorOptions = {
  workingEdge: 1600,
  candidateConfidence: 0.3,
  minConfidence: 0.5,
  minFacePixels: 14,
  smallFacePixels: 40,
  tileSize: 512,
  tileOverlap: 0.25,
};

/**
 * SSD-MobileNet-v1, 68 landmarks and the 128-d ResNet descriptor of face-api, on tfjs's wasm
 * backend. The detector's input is 512×512 whatever the image, so faces ~30 px wide in a group
 * photo shrink to ~12 px and score low or go unseen: when the first pass finds small faces, a
 * second pass looks at overlapping 512 px tiles (each fed at its own resolution: 2.5× the first
 * pass's scale for a 1280 px photo), and suppression keeps one box per face across passes and
 * tiles. Landmarks and descriptors are computed once per kept box.
 */
export class FaceApiDetector implements FaceDetector {
  private readonly options: FaceDetectorOptions;

  constructor(
    private readonly paths: FaceModelPaths = packagedFaceModelPaths(),
    options: Partial<FaceDetectorOptions> = {},
  ) {
    this.options = { ...FACE_DETECTOR_DEFAULTS, ...options };
  }

  /** Loads the models now rather than on the first photo (they load once per process). */
  async load(): Promise<void> {
    await loadFaceApi(this.paths);
  }

  async detect(image: Buffer, display: DisplaySize): Promise<DetectedFace[]> {
    if (![display.width, display.height].every((n) => Number.isInteger(n) && n > 0)) {
      throw new RangeError(`display size must be positive integers, got ${display.width}×${display.height}`);
    }
    const [faceapi, pixels] = await Promise.all([loadFaceApi(this.paths), this.decode(image)]);
    if (Math.min(pixels.width, pixels.height) < MIN_IMAGE_PIXELS) return [];
    const tensor = faceapi.tf.tensor3d(pixels.data, [pixels.height, pixels.width, 3], 'int32') as Tensor3D;
    try {
      const boxes = await this.locate(faceapi, tensor, pixels.width, pixels.height);
      const scale = { x: display.width / pixels.width, y: display.height / pixels.height };
      return await this.describe(faceapi, tensor, boxes, scale, display);
    } finally {
      tensor.dispose();
    }
  }

  /** Upright RGB at the working size; bytes sharp cannot decode are the photo's fault, terminal. */
  private async decode(image: Buffer) {
    const sharp = await loadSharp();
    const edge = this.options.workingEdge;
    // sharp's constructor throws at once for some inputs (an empty buffer), its pipeline later for others.
    const decoded = await (async () =>
      sharp(image, { limitInputPixels: MAX_PIXELS, autoOrient: true })
        .resize({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true })
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true }))().catch((error: unknown) => {
      throw new MediaRejected(
        `faces: the image could not be decoded (${error instanceof Error ? error.message : String(error)})`,
      );
    });
    const { data, info } = decoded;
    if (info.channels !== 3) throw new MediaRejected(`faces: the image decoded to ${info.channels} channels, not RGB`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  }

  private async locate(faceapi: FaceApi, tensor: Tensor3D, width: number, height: number): Promise<Candidate[]> {
    const o = this.options;
    const ssd = new faceapi.SsdMobilenetv1Options({ minConfidence: o.candidateConfidence, maxResults: 200 });
    type Found = { score: number; box: { x: number; y: number; width: number; height: number } };
    const toCandidate = ({ score, box }: Found, dx = 0, dy = 0): Candidate => ({
      x: box.x + dx,
      y: box.y + dy,
      w: box.width,
      h: box.height,
      score,
    });
    const first = (await faceapi.nets.ssdMobilenetv1.locateFaces(tensor, ssd)).map((d) => toCandidate(d));
    const candidates = [...first];
    if (first.some((c) => c.w < o.smallFacePixels) && Math.max(width, height) > o.tileSize) {
      for (const tile of tileGrid(width, height, o.tileSize, o.tileOverlap)) {
        const crop = faceapi.tf.slice(tensor, [tile.y, tile.x, 0], [tile.h, tile.w, 3]) as Tensor3D;
        try {
          for (const d of await faceapi.nets.ssdMobilenetv1.locateFaces(crop, ssd)) {
            const c = toCandidate(d, tile.x, tile.y);
            if (!cutByTile(c, tile, width, height)) candidates.push(c);
          }
        } finally {
          crop.dispose();
        }
      }
    }
    return suppress(candidates.map((c) => clip(c, width, height))).filter(
      (c) => c.score >= o.minConfidence && Math.min(c.w, c.h) >= o.minFacePixels,
    );
  }

  /**
   * Landmarks in each box, then the descriptor of each face aligned on them (face-api's own chain),
   * a batch of faces per forward pass: one pass over 16 faces costs far less than 16 passes.
   */
  private async describe(
    faceapi: FaceApi,
    tensor: Tensor3D,
    boxes: Candidate[],
    scale: { x: number; y: number },
    display: DisplaySize,
  ): Promise<DetectedFace[]> {
    const faces: DetectedFace[] = [];
    for (let start = 0; start < boxes.length; start += DESCRIBE_BATCH) {
      const batch = boxes.slice(start, start + DESCRIBE_BATCH);
      const rects = batch.map(
        (b) => new faceapi.Rect(Math.floor(b.x), Math.floor(b.y), Math.round(b.w), Math.round(b.h)),
      );
      const crops = await faceapi.extractFaceTensors(tensor, rects);
      const landmarks = [await faceapi.nets.faceLandmark68Net.detectLandmarks(crops)]
        .flat()
        .map((l, k) => l.shiftBy(rects[k]?.x ?? 0, rects[k]?.y ?? 0));
      for (const crop of crops) crop.dispose();
      const aligned = await faceapi.extractFaceTensors(
        tensor,
        landmarks.map((l) => l.align()),
      );
      const raw = [await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(aligned)].flat();
      for (const crop of aligned) crop.dispose();
      if (landmarks.length !== batch.length || raw.length !== batch.length) {
        throw new Error(`faces: face-api described ${raw.length} of ${batch.length} faces`);
      }
      batch.forEach((box, i) => {
        faces.push({
          box: toDisplay(box, scale, display),
          confidence: Math.round(box.score * 1e4) / 1e4,
          descriptor: normalise(raw[i] as Float32Array),
          landmarks: (landmarks[i] as (typeof landmarks)[number]).positions.map((p) => ({
            x: p.x * scale.x,
            y: p.y * scale.y,
          })),
        });
      });
    }
    return faces;
  }
}

const clip = (c: Candidate, width: number, height: number): Candidate => {
  const x = Math.max(0, c.x);
  const y = Math.max(0, c.y);
  return { x, y, w: Math.min(width, c.x + c.w) - x, h: Math.min(height, c.y + c.h) - y, score: c.score };
};

const toDisplay = (box: Rect, scale: { x: number; y: number }, display: DisplaySize): FaceBox => {
  const x = Math.min(display.width - 1, Math.max(0, Math.round(box.x * scale.x)));
  const y = Math.min(display.height - 1, Math.max(0, Math.round(box.y * scale.y)));
  const right = Math.min(display.width, Math.round((box.x + box.w) * scale.x));
  const bottom = Math.min(display.height, Math.round((box.y + box.h) * scale.y));
  return { x, y, w: Math.max(1, right - x), h: Math.max(1, bottom - y) };
};

/** Unit length, so that distances compare whatever the network's output scale. */
const normalise = (v: Float32Array): Float32Array => {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  return Float32Array.from(v, (x) => x / norm);
};
