import { describe, expect, it } from 'vitest';
import { FaceModelUnavailable, loadFaceApi, packagedFaceModelPaths } from '#shared/faces/face-models.ts';

describe('loading the face models', () => {
  it('names the folder when the weights are missing, and tries again on the next call', async () => {
    const paths = packagedFaceModelPaths();
    const missing = { ...paths, modelDir: '/nonexistent/face-models' };
    await expect(loadFaceApi(missing)).rejects.toThrow(FaceModelUnavailable);
    await expect(loadFaceApi(missing)).rejects.toThrow(/\/nonexistent\/face-models/);
    const faceapi = await loadFaceApi(paths);
    expect(faceapi.nets.ssdMobilenetv1.isLoaded).toBe(true);
    expect(await loadFaceApi(paths)).toBe(faceapi);
  });
});
