import { describe, expect, it } from 'vitest';
import { Invalid } from '#shared/domain/errors.ts';
import { clusterByGrid, type GeoPoint, MAX_CLUSTERS } from '#shared/domain/geo-clusters.ts';

const point = (id: string, latitude: number, longitude: number, day = 1): GeoPoint => ({
  id,
  latitude,
  longitude,
  position: `2024-01-${String(day).padStart(2, '0')}T00:00:00.000Z#${id}`,
});

describe('grid clusters', () => {
  it('groups points by cell, with their mean position, count and newest member', () => {
    const clusters = clusterByGrid(
      [
        point('asset_a', 48.81, 2.31, 1),
        point('asset_b', 48.89, 2.39, 3),
        point('asset_c', 48.85, 2.35, 2),
        point('asset_d', 40.71, -74.0, 1),
      ],
      0.1,
    );
    expect(clusters).toHaveLength(2);
    expect(clusters[0]).toMatchObject({ count: 3, representativeAssetId: 'asset_b' });
    expect(clusters[0]?.latitude).toBeCloseTo(48.85, 10);
    expect(clusters[0]?.longitude).toBeCloseTo(2.35, 10);
    expect(clusters[1]).toEqual({ count: 1, latitude: 40.71, longitude: -74, representativeAssetId: 'asset_d' });
  });

  it('breaks a tie in capture time by the larger id', () => {
    const [cluster] = clusterByGrid([point('asset_a', 1.01, 1.01), point('asset_b', 1.02, 1.02)], 1);
    expect(cluster?.representativeAssetId).toBe('asset_b');
  });

  it('uses one global grid: points either side of a cell edge stay apart however close', () => {
    expect(clusterByGrid([point('asset_a', 0.5, 0.999), point('asset_b', 0.5, 1.001)], 1)).toHaveLength(2);
    expect(clusterByGrid([point('asset_a', 0.5, -0.001), point('asset_b', 0.5, 0.001)], 1)).toHaveLength(2);
  });

  it(`refuses a viewport of more than ${MAX_CLUSTERS} cells`, () => {
    const dense = Array.from({ length: MAX_CLUSTERS + 1 }, (_, i) => point(`asset_${i}`, 0, i * 0.01));
    expect(() => clusterByGrid(dense, 0.001)).toThrow(Invalid);
    expect(() => clusterByGrid(dense, 0.001)).toThrow(/larger cell_size/);
    expect(clusterByGrid(dense.slice(1), 0.001)).toHaveLength(MAX_CLUSTERS);
  });
});
