import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CounterStore, Counters, OrdinalMove } from '#shared/domain/count-ledger.ts';
import { isConditionFailure } from './conditions.ts';
import { countersOfItem, countersToItem, MOVE_ATTRIBUTES, ordinalMoveOf } from './count-item.ts';
import { countersItem, feedOrdinal, feedPartition } from './keys.ts';

/** The owner's counters item, and the moves of their feed entries after it (CountLedger applies them). */
export class DynamoCounters implements CounterStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async read(owner: string): Promise<Counters> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: countersItem(owner), ConsistentRead: true }),
    );
    return countersOfItem(Item);
  }

  async entriesAfter(
    owner: string,
    ordinal: number,
    limit: number,
  ): Promise<{ entries: OrdinalMove[]; more: boolean }> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk > :after',
        ExpressionAttributeValues: { ':pk': feedPartition(owner), ':after': feedOrdinal(ordinal) },
        // Only what the counters need; `ordinal` and the moves' names are no reserved words, but named anyway.
        ProjectionExpression: '#ordinal, #from, #to',
        ExpressionAttributeNames: { '#ordinal': 'ordinal', '#from': MOVE_ATTRIBUTES.from, '#to': MOVE_ATTRIBUTES.to },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return { entries: (page.Items ?? []).map(ordinalMoveOf), more: page.LastEvaluatedKey !== undefined };
  }

  async write(owner: string, counters: Counters, readOrdinal: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: countersToItem(owner, counters),
          // Counters are only ever written past ordinal 0, so 0 means none were there.
          ...(readOrdinal === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#applied = :read',
                ExpressionAttributeNames: { '#applied': 'appliedOrdinal' },
                ExpressionAttributeValues: { ':read': readOrdinal },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
