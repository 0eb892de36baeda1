import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inArea, plainBoxes } from '#shared/domain/geo-area.ts';
import type { GeoPoint } from '#shared/domain/geo-clusters.ts';
import { cellRuns, coveringCells, coveringPrecision } from '#shared/domain/geohash.ts';
import { mediaClassOf } from '#shared/domain/media-types.ts';
import type { GeoIndex, GeoIndexQuery } from '#shared/domain/ports.ts';
import { assetIdOfPosition, geoPartition, timelinePositionOfGeo } from './keys.ts';
import { queryAll } from './query-all.ts';
import { GEO_ATTRIBUTES, INDEXES } from './schema.ts';
import { inRange, timelineRange } from './timeline-range.ts';

type Item = Record<string, unknown>;

/**
 * At most this many geohash cells cover an area: the precision is the finest that keeps to it.
 * Fewer cells read more entries outside the area; more cells mean more queries (adjacent cells
 * merge into one key range, so the queries are usually far fewer than the cells).
 */
const MAX_COVERING_CELLS = 32;
/** '~' sorts after every geohash character and '#', so `cell~` bounds every key under `cell`. */
const AFTER_PREFIX = '~';

/**
 * Areas from the geo index (gsi5): per library, one BETWEEN key range per run of covering
 * cells; the exact area, date and media filters then run on the projected entries, and only a
 * page's worth of ids leaves here for the whole items to be fetched.
 */
export class DynamoGeoIndex implements GeoIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async page(query: Parameters<GeoIndex['page']>[0]) {
    const range = timelineRange({ owner: '', ...query });
    if (range === 'empty') return { ids: [], hasMore: false };
    const sign = query.order === 'asc' ? 1 : -1;
    const positions = (await this.entries(query))
      .filter((entry) => inRange(entry.position, range))
      .map((entry) => entry.position)
      .sort((a, b) => sign * (a < b ? -1 : 1));
    return { ids: positions.slice(0, query.limit).map(assetIdOfPosition), hasMore: positions.length > query.limit };
  }

  async points(query: GeoIndexQuery): Promise<GeoPoint[]> {
    const range = timelineRange({ owner: '', order: 'asc', limit: 0, ...query });
    if (range === 'empty') return [];
    return (await this.entries(query)).filter((entry) => inRange(entry.position, range));
  }

  /** Every entry of the libraries inside the area (exactly) and of the media class. */
  private async entries(query: GeoIndexQuery): Promise<GeoPoint[]> {
    const boxes = plainBoxes(query.area);
    const precision = coveringPrecision(boxes, MAX_COVERING_CELLS);
    // The two halves of a crossing box never share a cell, so their runs stay apart.
    const runs = boxes.flatMap((box) => cellRuns(coveringCells(box, precision)));
    const pages = await Promise.all(
      query.libraryIds.flatMap((libraryId) => runs.map((run) => this.readRange(libraryId, run.first, run.last))),
    );
    const seen = new Set<string>();
    const points: GeoPoint[] = [];
    for (const item of pages.flat()) {
      const latitude = item[GEO_ATTRIBUTES.latitude];
      const longitude = item[GEO_ATTRIBUTES.longitude];
      const sortKey = String(item[INDEXES.geo.sortKey]);
      if (typeof latitude !== 'number' || typeof longitude !== 'number' || seen.has(sortKey)) continue;
      if (!inArea(query.area, latitude, longitude)) continue;
      if (query.mediaType && mediaClassOf(item.mimeType as string | undefined) !== query.mediaType) continue;
      seen.add(sortKey);
      const position = timelinePositionOfGeo(sortKey);
      points.push({ id: assetIdOfPosition(position), latitude, longitude, position });
    }
    return points;
  }

  private readRange(libraryId: string, first: string, last: string): Promise<Item[]> {
    const index = INDEXES.geo;
    return queryAll(this.db, {
      TableName: this.table,
      IndexName: index.name,
      KeyConditionExpression: `${index.partitionKey} = :pk AND ${index.sortKey} BETWEEN :lo AND :hi`,
      ExpressionAttributeValues: { ':pk': geoPartition(libraryId), ':lo': first, ':hi': `${last}${AFTER_PREFIX}` },
    });
  }
}
