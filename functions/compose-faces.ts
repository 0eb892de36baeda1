import { createClients } from '#shared/aws/clients.ts';
import type { FaceConfig } from '#shared/config.ts';
import type { FaceDetector } from '#shared/domain/face-ports.ts';
import { FaceStage } from '#shared/domain/face-stage.ts';
import { PeopleClustering } from '#shared/domain/people-clustering.ts';
import { systemClock } from '#shared/domain/ports.ts';
import { centroidPlanner, libraryRebuilder } from '#shared/faces/cluster-planner.ts';
import { FaceApiDetector } from '#shared/faces/face-api-detector.ts';
import { faceCrop } from '#shared/faces/face-crop.ts';
import { packagedFaceModelPaths } from '#shared/faces/face-models.ts';
import { S3Storage } from '#shared/storage/s3-storage.ts';
import { DynamoAssets } from '#shared/table/dynamo-assets.ts';
import { DynamoFaces, DynamoTasks } from '#shared/table/dynamo-faces.ts';

// The face stage's composition root: built once per cold start; the models load on the first photo.

/** face-api's detector and the square crops behind the stage's one small interface. */
export const faceApiDetector = (config: FaceConfig): FaceDetector => {
  // A bundle names its copies; from the source tree the npm packages' own folders serve.
  const { DARKROOM_FACE_MODEL_DIR: modelDir, DARKROOM_FACE_WASM_DIR: wasmDir } = config;
  const detector = new FaceApiDetector(modelDir && wasmDir ? { modelDir, wasmDir } : packagedFaceModelPaths());
  return { detect: (image, display) => detector.detect(image, display), crop: faceCrop };
};

export const composeFaces = (config: FaceConfig, overrides: { detector?: FaceDetector } = {}) => {
  const clients = createClients(config);
  const faces = new DynamoFaces(clients.dynamo, config.TABLE_NAME);
  const people = new PeopleClustering({
    faces,
    planner: centroidPlanner(),
    rebuild: libraryRebuilder(),
    clock: systemClock,
  });
  const stage = new FaceStage({
    assets: new DynamoAssets(clients.dynamo, config.TABLE_NAME),
    faces,
    tasks: new DynamoTasks(clients.dynamo, config.TABLE_NAME),
    storage: new S3Storage(
      clients.s3,
      { originals: config.ORIGINALS_BUCKET, derived: config.DERIVED_BUCKET },
      config.DARKROOM_DISK_LIMIT_BYTES,
    ),
    detector: overrides.detector ?? faceApiDetector(config),
    people,
    clock: systemClock,
  });
  return { stage, people };
};
