// What the faces stage sees of a detector: bytes in, faces in display pixels out. The face-api
// adapter implements it; tests of the stage use fakes.

/** A rectangle in the asset's display pixels (EXIF orientation applied), integers. */
export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The asset's display size: the frame the boxes are given in, whatever size the bytes decode to. */
export interface DisplaySize {
  width: number;
  height: number;
}

export interface DetectedFace {
  box: FaceBox;
  /** The detector's score, 0..1. */
  confidence: number;
  /** 128 values, L2-normalised: distances between descriptors compare faces. */
  descriptor: Float32Array;
  /** The 68 dlib-style landmarks, display pixels (not rounded). */
  landmarks?: { x: number; y: number }[];
}

export interface FaceDetector {
  /** Faces of an image (the asset's preview or original); throws MediaRejected for undecodable bytes. */
  detect(image: Buffer, display: DisplaySize): Promise<DetectedFace[]>;
}

/** Euclidean distance of two descriptors. */
export const descriptorDistance = (a: Float32Array, b: Float32Array): number => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    sum += d * d;
  }
  return Math.sqrt(sum);
};
