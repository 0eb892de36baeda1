import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { fromItem, toItem } from './asset-item.ts';
import { ASSET_SK } from './keys.ts';
import { GEO_ATTRIBUTES, INDEXES, TABLE_KEY } from './schema.ts';

// Index attributes are derived from the asset on every write (toItem). A record written before an
// index existed lacks its attributes until rewritten: this rewrites just those, once per item.

type Item = Record<string, unknown>;

/** Everything toItem derives for the indexes: their keys and the copies the geo index projects. */
const DERIVED = [
  ...Object.values(INDEXES).flatMap((index) => [index.partitionKey, index.sortKey]),
  ...Object.values(GEO_ATTRIBUTES),
];
/** Updates in flight at once: enough to keep a scan page moving, few enough for on-demand capacity. */
const CONCURRENCY = 16;

/** The item with its index attributes as toItem would write them now; anything but an asset is left alone. */
export const reindexedItem = (item: Item): Item => {
  if (item[TABLE_KEY.sortKey] !== ASSET_SK) return item;
  let derived: Item;
  try {
    derived = toItem(fromItem(item));
  } catch {
    // A record this code cannot read is no index's business; reprocess or delete it.
    return item;
  }
  const next = { ...item };
  for (const name of DERIVED) {
    if (derived[name] === undefined) delete next[name];
    else next[name] = derived[name];
  }
  return next;
};

/** The index attributes that differ from what toItem would write now. */
export const staleIndexAttributes = (item: Item): string[] => {
  const next = reindexedItem(item);
  return DERIVED.filter((name) => next[name] !== item[name]);
};

export interface ReindexResult {
  scanned: number;
  rewritten: number;
  /** Written by someone else between the scan and the update: that write derived its own attributes. */
  changedMeanwhile: number;
}

/**
 * One scan of the table's assets, rewriting the stale index attributes of each. Idempotent: a
 * second run finds nothing stale. Each update is conditional on the record being unchanged since
 * it was read, so it never undoes a processor's newer write.
 */
export const reindexTable = async (
  db: DynamoDBDocumentClient,
  table: string,
  options: { dryRun?: boolean; onPage?: (progress: ReindexResult) => void } = {},
): Promise<ReindexResult> => {
  const result: ReindexResult = { scanned: 0, rewritten: 0, changedMeanwhile: 0 };
  let ExclusiveStartKey: Item | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: `${TABLE_KEY.sortKey} = :asset`,
        ExpressionAttributeValues: { ':asset': ASSET_SK },
        ExclusiveStartKey,
      }),
    );
    const items = page.Items ?? [];
    result.scanned += items.length;
    const stale = items.filter((item) => staleIndexAttributes(item).length > 0);
    for (let i = 0; i < stale.length; i += CONCURRENCY) {
      const outcomes = await Promise.all(
        stale.slice(i, i + CONCURRENCY).map((item) => (options.dryRun ? 'rewritten' : rewrite(db, table, item))),
      );
      for (const outcome of outcomes) result[outcome]++;
    }
    options.onPage?.({ ...result });
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return result;
};

const rewrite = async (
  db: DynamoDBDocumentClient,
  table: string,
  item: Item,
): Promise<'rewritten' | 'changedMeanwhile'> => {
  const next = reindexedItem(item);
  const names = staleIndexAttributes(item);
  const set = names.filter((name) => next[name] !== undefined);
  const remove = names.filter((name) => next[name] === undefined);
  const alias = (name: string) => `#a${names.indexOf(name)}`;
  const expression = [
    set.length > 0 && `SET ${set.map((name) => `${alias(name)} = :v${names.indexOf(name)}`).join(', ')}`,
    remove.length > 0 && `REMOVE ${remove.map(alias).join(', ')}`,
  ]
    .filter(Boolean)
    .join(' ');
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: { [TABLE_KEY.partitionKey]: item[TABLE_KEY.partitionKey], [TABLE_KEY.sortKey]: item[TABLE_KEY.sortKey] },
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(#pk) AND #updatedAt = :updatedAt',
        ExpressionAttributeNames: {
          '#pk': TABLE_KEY.partitionKey,
          '#updatedAt': 'updatedAt',
          ...Object.fromEntries(names.map((name) => [alias(name), name])),
        },
        ExpressionAttributeValues: {
          ':updatedAt': item.updatedAt,
          ...Object.fromEntries(set.map((name) => [`:v${names.indexOf(name)}`, next[name]])),
        },
      }),
    );
    return 'rewritten';
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return 'changedMeanwhile';
    throw error;
  }
};
