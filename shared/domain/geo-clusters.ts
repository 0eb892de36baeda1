import { Invalid } from './errors.ts';

// Map clustering as upstream's cluster_by_geo defines it: square cells of `cell_size` degrees on
// one global grid (anchored at 0°,0°, so a cell stays the same cell as the viewport pans), each
// non-empty one answered with its members' mean position, count and newest member.

/** What clustering needs of a geotagged asset; `position` is its timeline position (time, then id). */
export interface GeoPoint {
  id: string;
  latitude: number;
  longitude: number;
  position: string;
}

export interface GeoCluster {
  count: number;
  latitude: number;
  longitude: number;
  representativeAssetId: string;
}

/** ~11 m: upstream's floor. */
export const MIN_CELL_SIZE = 0.0001;
/** Upstream's cap: past it the answer is a 422 asking for a coarser grid or a smaller viewport. */
export const MAX_CLUSTERS = 1000;

export const clusterByGrid = (points: Iterable<GeoPoint>, cellSize: number): GeoCluster[] => {
  const cells = new Map<string, { count: number; latSum: number; lonSum: number; newest: GeoPoint }>();
  for (const point of points) {
    const key = `${Math.floor(point.latitude / cellSize)}:${Math.floor(point.longitude / cellSize)}`;
    const cell = cells.get(key);
    if (!cell) {
      if (cells.size === MAX_CLUSTERS)
        throw new Invalid(
          `more than ${MAX_CLUSTERS} clusters in this viewport: use a larger cell_size or a smaller bbox`,
        );
      cells.set(key, { count: 1, latSum: point.latitude, lonSum: point.longitude, newest: point });
      continue;
    }
    cell.count++;
    cell.latSum += point.latitude;
    cell.lonSum += point.longitude;
    // Newest capture first, ties by the larger id: a position compares as time, then id.
    if (point.position > cell.newest.position) cell.newest = point;
  }
  return [...cells.values()]
    .map((cell) => ({
      count: cell.count,
      latitude: cell.latSum / cell.count,
      longitude: cell.lonSum / cell.count,
      representativeAssetId: cell.newest.id,
    }))
    .sort((a, b) => b.count - a.count || (a.representativeAssetId < b.representativeAssetId ? -1 : 1));
};
