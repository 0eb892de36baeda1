import { randomUUID } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Clock } from '#shared/domain/ports.ts';
import {
  type OwnerUsage,
  TRANSITIONS,
  type TransitionOptions,
  type TransitionResult,
  type UsageDeltas,
  type UsageEntry,
  type UsagePhase,
  type UsageRepository,
  type UsageState,
  usageDeltas,
} from '#shared/domain/storage-ledger.ts';
import { isConditionFailure } from './conditions.ts';
import { assetUsageItem, libraryItem, ownerUsageItem } from './keys.ts';

/**
 * Longer than any function may run (the processor's 15 minutes): a transition claimed longer ago
 * than this was left by an invocation that is certainly dead.
 */
export const TRANSITION_HORIZON_MS = 16 * 60_000;

/**
 * A released asset's usage item is kept this long, then DynamoDB's TTL (the table's `expiration`
 * attribute) removes it: long enough for anything still in flight about the asset (a sweep's
 * release racing a last-moment upload's settle), far shorter than keeping one per asset forever.
 */
export const RELEASED_KEPT_SECONDS = 7 * 24 * 3600;

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };

interface Op {
  id: string;
  to: UsagePhase;
  bytes: number;
  from: UsageState;
  limit?: number;
  since: string;
}

type Claim = { kind: 'mine' | 'repair'; op: Op } | { kind: 'done'; result: TransitionResult };

const OP_ATTRIBUTES = 'op_id, op_to, op_since, op_from, op_from_bytes, op_limit';

const opOf = (item: Item): Op => ({
  id: String(item.op_id),
  to: item.op_to as UsagePhase,
  bytes: Number(item.bytes ?? 0),
  from: { phase: (item.op_from as UsageState['phase'] | undefined) ?? 'none', bytes: Number(item.op_from_bytes ?? 0) },
  ...(typeof item.op_limit === 'number' && { limit: item.op_limit }),
  since: String(item.op_since),
});

/**
 * The counters without transactions (the local DynamoDB has none). Each asset has a usage item
 * holding its phase; a transition is applied in four conditional steps:
 *
 * 1. claim: the usage item moves to the new phase and records the operation (`op_id`), only if
 *    it is in an allowed phase and holds no operation: one actor wins;
 * 2. apply: the owner's and the library's counters change, each together with a marker attribute
 *    named after the operation, only if that marker is absent (the quota's bound rides on the
 *    owner's write): a repeated step changes nothing;
 * 3. clear: the usage item forgets the operation;
 * 4. the markers go.
 *
 * An actor that dies between 1 and 3 leaves the operation on the usage item; the next actor
 * to touch the asset after TRANSITION_HORIZON_MS (when the dead one cannot still be running)
 * re-claims it and finishes it, and the markers make sure step 2 counts once. Until then a
 * transition of that asset answers `busy`.
 */
export class DynamoUsage implements UsageRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly horizonMs = TRANSITION_HORIZON_MS,
  ) {}

  async transition(
    entry: UsageEntry,
    to: UsagePhase,
    bytes: number,
    options: TransitionOptions = {},
  ): Promise<TransitionResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const claim = await this.claim(entry, to, bytes, options);
      if (claim.kind === 'done') return claim.result;
      const result = await this.apply(entry, claim.op);
      if (claim.kind === 'mine') return result;
      // A dead actor's operation is finished; now this one's.
    }
    return 'busy';
  }

  async usage(owner: string): Promise<OwnerUsage> {
    const item = await this.get(ownerUsageItem(owner));
    return {
      chargedBytes: Number(item?.charged_bytes ?? 0),
      storedBytes: Number(item?.stored_bytes ?? 0),
      ...(typeof item?.storage_limit_bytes === 'number' && { limitBytes: item.storage_limit_bytes }),
      ...(typeof item?.limit_updated_at === 'string' && { limitUpdatedAt: item.limit_updated_at }),
    };
  }

  async setLimit(owner: string, bytes: number | undefined, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: ownerUsageItem(owner),
        UpdateExpression:
          bytes === undefined
            ? 'SET limit_updated_at = :at REMOVE storage_limit_bytes'
            : 'SET limit_updated_at = :at, storage_limit_bytes = :bytes',
        ExpressionAttributeValues: { ':at': at, ...(bytes !== undefined && { ':bytes': bytes }) },
      }),
    );
  }

  private async claim(entry: UsageEntry, to: UsagePhase, bytes: number, options: TransitionOptions): Promise<Claim> {
    const { limit } = options;
    const since = this.clock.now().toISOString();
    const op: Op = {
      id: randomUUID().replaceAll('-', ''),
      to,
      bytes,
      from: { phase: 'none', bytes: 0 },
      since,
      ...(limit !== undefined && { limit }),
    };
    const key = assetUsageItem(entry.assetId);
    const opValues = {
      op_id: op.id,
      op_to: to,
      op_since: since,
      ...(limit !== undefined && { op_limit: limit }),
    };
    try {
      if (to === 'reserved') {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              ...key,
              owner: entry.owner,
              library_id: entry.libraryId,
              phase: to,
              bytes,
              ...opValues,
              op_from: 'none',
              op_from_bytes: 0,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { kind: 'mine', op };
      }
      const allowed = TRANSITIONS[to].filter((p) => p !== 'none' && (!options.from || options.from.includes(p)));
      const [f0, f1 = f0] = allowed;
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: `SET #phase = :to, #bytes = :bytes, op_id = :id, op_to = :to, op_since = :since, op_from = #phase, op_from_bytes = #bytes${
            to === 'released' ? ', expiration = :expiration' : ' REMOVE expiration'
          }`,
          ConditionExpression: '#phase IN (:f0, :f1) AND attribute_not_exists(op_id)',
          ExpressionAttributeNames: { '#phase': 'phase', '#bytes': 'bytes' },
          ExpressionAttributeValues: {
            ':to': to,
            ':bytes': bytes,
            ':id': op.id,
            ':since': since,
            ':f0': f0,
            ':f1': f1,
            ...(to === 'released' && {
              ':expiration': Math.floor(Date.parse(since) / 1000) + RELEASED_KEPT_SECONDS,
            }),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return {
        kind: 'mine',
        op: { ...op, from: { phase: Attributes?.phase as UsagePhase, bytes: Number(Attributes?.bytes ?? 0) } },
      };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const item = await this.get(key);
    // Never charged (an asset from before the counters, or a reservation refused): nothing to move.
    if (!item) return { kind: 'done', result: 'unchanged' };
    if (typeof item.op_id !== 'string') return { kind: 'done', result: 'unchanged' };
    const held = opOf(item);
    // Our own write, landed on an attempt whose answer was lost before the SDK retried it.
    if (held.id === op.id) return { kind: 'mine', op: held };
    if (Date.parse(held.since) + this.horizonMs > Date.parse(since)) return { kind: 'done', result: 'busy' };
    const retaken = await this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression: 'SET op_since = :now',
        ConditionExpression: 'op_id = :id AND op_since = :since',
        ExpressionAttributeValues: { ':now': since, ':id': held.id, ':since': held.since },
      }),
    );
    return retaken ? { kind: 'repair', op: { ...held, since } } : { kind: 'done', result: 'busy' };
  }

  private async apply(entry: UsageEntry, op: Op): Promise<TransitionResult> {
    const d = usageDeltas(op.from, { phase: op.to, bytes: op.bytes });
    const marker = `u_${op.id}`;
    const owner = ownerUsageItem(entry.owner);
    const library = libraryItem(entry.owner, entry.libraryId);
    const touchesOwner = d.chargedBytes !== 0 || d.storedBytes !== 0;
    const touchesLibrary = d.assetCount !== 0 || d.libraryBytes !== 0;
    // The two counters are independent (each has its own marker), so they change side by side.
    const [ownerApplied] = await Promise.all([
      touchesOwner ? this.applyToOwner(owner, marker, op, d) : true,
      // A library that is gone has nothing left to count.
      touchesLibrary &&
        this.conditional(
          new UpdateCommand({
            TableName: this.table,
            Key: library,
            UpdateExpression:
              'SET asset_count = if_not_exists(asset_count, :zero) + :dn, storage_used_bytes = if_not_exists(storage_used_bytes, :zero) + :db, #m = :since',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#m)',
            ExpressionAttributeNames: { '#m': marker },
            ExpressionAttributeValues: { ':zero': 0, ':dn': d.assetCount, ':db': d.libraryBytes, ':since': op.since },
          }),
        ),
    ]);
    if (!ownerApplied) {
      // Only the quota refuses a first application, and only a reservation is bounded: undo its claim.
      await this.conditional(
        new DeleteCommand({
          TableName: this.table,
          Key: assetUsageItem(entry.assetId),
          ConditionExpression: 'op_id = :id',
          ExpressionAttributeValues: { ':id': op.id },
        }),
      );
      return 'over-quota';
    }
    await this.conditional(
      new UpdateCommand({
        TableName: this.table,
        Key: assetUsageItem(entry.assetId),
        UpdateExpression: `REMOVE ${OP_ATTRIBUTES}`,
        ConditionExpression: 'op_id = :id',
        ExpressionAttributeValues: { ':id': op.id },
      }),
    );
    // Once the usage item has forgotten the operation nobody re-applies it: the markers may go.
    const marked = [...(touchesOwner ? [owner] : []), ...(touchesLibrary ? [library] : [])];
    await Promise.all(
      marked.map((key) =>
        this.conditional(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression: 'REMOVE #m',
            ConditionExpression: 'attribute_exists(#m)',
            ExpressionAttributeNames: { '#m': marker },
          }),
        ),
      ),
    );
    return 'applied';
  }

  /** True once the owner's counters hold this operation (now or before); false when the quota refused it. */
  private async applyToOwner(owner: Key, marker: string, op: Op, d: UsageDeltas): Promise<boolean> {
    const bounded = op.limit !== undefined && d.chargedBytes > 0;
    const max = (op.limit ?? 0) - d.chargedBytes;
    const applied =
      !(bounded && max < 0) &&
      (await this.conditional(
        new UpdateCommand({
          TableName: this.table,
          Key: owner,
          UpdateExpression:
            'SET charged_bytes = if_not_exists(charged_bytes, :zero) + :dc, stored_bytes = if_not_exists(stored_bytes, :zero) + :ds, #m = :since',
          ConditionExpression: `attribute_not_exists(#m)${bounded ? ' AND (attribute_not_exists(charged_bytes) OR charged_bytes <= :max)' : ''}`,
          ExpressionAttributeNames: { '#m': marker },
          ExpressionAttributeValues: {
            ':zero': 0,
            ':dc': d.chargedBytes,
            ':ds': d.storedBytes,
            ':since': op.since,
            ...(bounded && { ':max': max }),
          },
        }),
      ));
    return applied || this.hasMarker(owner, marker);
  }

  private async hasMarker(key: Key, marker: string): Promise<boolean> {
    const item = await this.get(key);
    return item?.[marker] !== undefined;
  }

  private async get(key: Key): Promise<Item | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return Item;
  }

  private async conditional(command: UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      await this.db.send(command as UpdateCommand);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
