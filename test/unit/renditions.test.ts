import { describe, expect, it } from 'vitest';
import { rawSize, renditionWidths } from '#shared/domain/renditions.ts';

describe('renditionWidths', () => {
  it('fits the preview inside 1440 and gives the thumbnail a short edge of 250, never enlarging', () => {
    expect(renditionWidths(4032, 3024)).toEqual({ preview: 1440, thumbnail: 333 });
    expect(renditionWidths(3024, 4032)).toEqual({ preview: 1080, thumbnail: 250 });
    expect(renditionWidths(8, 8)).toEqual({ preview: 8, thumbnail: 8 });
    // A panorama's thumbnail is wider than its preview: it is made from the original.
    expect(renditionWidths(6000, 400)).toEqual({ preview: 1440, thumbnail: 3750 });
  });

  it('knows nothing of an unknown size', () => {
    expect(renditionWidths(0, 100)).toEqual({ preview: 0, thumbnail: 0 });
  });
});

describe('rawSize', () => {
  it('swaps the sides for the quarter-turn orientations only', () => {
    expect(rawSize(1200, 2000, 6)).toEqual({ width: 2000, height: 1200 });
    expect(rawSize(1200, 2000, 8)).toEqual({ width: 2000, height: 1200 });
    expect(rawSize(1200, 2000, 3)).toEqual({ width: 1200, height: 2000 });
    expect(rawSize(1200, 2000, null)).toEqual({ width: 1200, height: 2000 });
  });
});
