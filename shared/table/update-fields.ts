import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './conditions.ts';

type Item = Record<string, unknown>;

/**
 * Sets the given fields of an item that still exists (a field given as undefined is removed) and
 * answers the item after, or undefined when it is gone. Names go through placeholders, so a field
 * may be any word, reserved ones included.
 */
export const updateFields = async (
  db: Pick<DynamoDBDocumentClient, 'send'>,
  table: string,
  key: { pk: string; sk: string },
  changes: Record<string, unknown>,
): Promise<Item | undefined> => {
  const entries = Object.entries(changes);
  const names = Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k]));
  const set = entries.flatMap(([, v], i) => (v === undefined ? [] : [`#f${i} = :v${i}`]));
  const remove = entries.flatMap(([, v], i) => (v === undefined ? [`#f${i}`] : []));
  const values = Object.fromEntries(entries.flatMap(([, v], i) => (v === undefined ? [] : [[`:v${i}`, v]])));
  try {
    const { Attributes } = await db.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: [set.length && `SET ${set.join(', ')}`, remove.length && `REMOVE ${remove.join(', ')}`]
          .filter(Boolean)
          .join(' '),
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ...(set.length > 0 && { ExpressionAttributeValues: values }),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};
