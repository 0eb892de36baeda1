import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { FaceRepository, Page, TaskRepository } from '#shared/domain/face-ports.ts';
import type { Face, Person } from '#shared/domain/faces.ts';
import type { Task, TaskType } from '#shared/domain/tasks.ts';
import { isConditionFailure } from './conditions.ts';
import {
  bytesOf,
  faceFromItem,
  faceIndexKeys,
  faceToItem,
  personFromItem,
  personToItem,
  taskFromItem,
  taskToItem,
} from './face-item.ts';
import { indexPage } from './index-page.ts';
import {
  assetFacesPartition,
  clusteringLease,
  faceItem,
  libraryFacesPartition,
  libraryPeoplePartition,
  personFacesPartition,
  personItem,
  TASK_SK_PREFIX,
  taskItem,
  unassignedFacesPartition,
} from './keys.ts';
import { queryAll } from './query-all.ts';
import { INDEXES } from './schema.ts';
import { updateFields } from './update-fields.ts';

type Item = Record<string, unknown>;
type PersonChanges = Parameters<FaceRepository['updatePerson']>[1];
type Index = (typeof INDEXES)[keyof typeof INDEXES];

/** Faces, people and the clustering lease in the single table (keys.ts says where each lives). */
export class DynamoFaces implements FaceRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getFace(id: string): Promise<Face | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: faceItem(id), ConsistentRead: true }),
    );
    return Item && faceFromItem(Item);
  }

  async facesOfAsset(assetId: string): Promise<Face[]> {
    return (await this.all(INDEXES.libraryTimeline, assetFacesPartition(assetId))).map(faceFromItem);
  }

  async facesOfPerson(personId: string): Promise<Face[]> {
    return (await this.all(INDEXES.ownerTimeline, personFacesPartition(personId))).map(faceFromItem);
  }

  async unassigned(libraryId: string): Promise<Face[]> {
    return (await this.all(INDEXES.ownerTimeline, unassignedFacesPartition(libraryId))).map(faceFromItem);
  }

  async facesOfLibrary(libraryId: string, limit: number, startAfter?: string): Promise<Page<Face>> {
    const page = await indexPage(
      this.db,
      this.table,
      INDEXES.libraryMediaTimeline,
      libraryFacesPartition(libraryId),
      limit,
      startAfter,
    );
    return { items: page.items.map(faceFromItem), hasMore: page.hasMore };
  }

  async putFace(face: Face): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: faceToItem(face) }));
  }

  async putDetected(face: Face): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: faceToItem(face),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: faceItem(face.id),
          UpdateExpression: `SET box = :box, updatedAt = :now${face.confidence === undefined ? '' : ', confidence = :score'}${face.descriptor ? ', #descriptor = :descriptor' : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          // DESCRIPTOR is one of DynamoDB's reserved words.
          ...(face.descriptor && { ExpressionAttributeNames: { '#descriptor': 'descriptor' } }),
          ExpressionAttributeValues: {
            ':box': face.box,
            ':now': face.updatedAt,
            ...(face.confidence !== undefined && { ':score': face.confidence }),
            ...(face.descriptor && { ':descriptor': bytesOf(face.descriptor) }),
          },
        }),
      );
    }
  }

  async deleteFace(face: Face): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: faceItem(face.id) }));
  }

  async assign(face: Face, personId: string | undefined, expected: string | undefined, pinned: boolean) {
    const keys = faceIndexKeys({ ...face, personId, pinned });
    // Unplaced faces with a descriptor stay in the unassigned partition; others leave gsi2.
    const set = [
      ...(personId ? ['personId = :person'] : []),
      'pinned = :pinned',
      'updatedAt = :now',
      ...(keys.gsi2pk ? ['gsi2pk = :g2pk', 'gsi2sk = :g2sk'] : []),
    ];
    const remove = [...(personId ? [] : ['personId']), ...(keys.gsi2pk ? [] : ['gsi2pk', 'gsi2sk'])];
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: faceItem(face.id),
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: `attribute_exists(pk) AND ${expected ? 'personId = :expected' : 'attribute_not_exists(personId)'}`,
          ExpressionAttributeValues: {
            ':pinned': pinned,
            ':now': new Date().toISOString(),
            ...(personId && { ':person': personId }),
            ...(keys.gsi2pk && { ':g2pk': keys.gsi2pk, ':g2sk': keys.gsi2sk }),
            ...(expected && { ':expected': expected }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async getPerson(id: string): Promise<Person | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: personItem(id), ConsistentRead: true }),
    );
    return Item && personFromItem(Item);
  }

  async people(libraryId: string): Promise<Person[]> {
    return (await this.all(INDEXES.libraryTimeline, libraryPeoplePartition(libraryId))).map(personFromItem);
  }

  async createPerson(person: Person): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: personToItem(person),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async updatePerson(id: string, changes: PersonChanges): Promise<Person | undefined> {
    // A centroid is stored as its bytes, as faceToItem stores a descriptor.
    const encoded = Object.fromEntries(
      Object.entries(changes).map(([k, v]) => [k, v instanceof Float32Array ? bytesOf(v) : v]),
    );
    const after = await updateFields(this.db, this.table, personItem(id), encoded);
    return after && personFromItem(after);
  }

  async deletePerson(person: Person): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: personItem(person.id) }));
  }

  async lease(libraryId: string, holder: string, untilMs: number, nowMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...clusteringLease(libraryId), holder, untilMs },
          ConditionExpression: 'attribute_not_exists(pk) OR untilMs < :now OR holder = :holder',
          ExpressionAttributeValues: { ':now': nowMs, ':holder': holder },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async release(libraryId: string, holder: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: clusteringLease(libraryId),
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Every item of one index partition; the indexes' reads are eventually consistent. */
  private all(index: Index, partition: string): Promise<Item[]> {
    return queryAll(this.db, {
      TableName: this.table,
      IndexName: index.name,
      KeyConditionExpression: `${index.partitionKey} = :pk`,
      ExpressionAttributeValues: { ':pk': partition },
    });
  }
}

/** An asset's stage records: one item per stage under the asset's own task partition. */
export class DynamoTasks implements TaskRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(task: Task): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: taskToItem(task) }));
  }

  async get(assetId: string, type: TaskType): Promise<Task | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: taskItem(assetId, type), ConsistentRead: true }),
    );
    return Item && taskFromItem(Item);
  }

  async ofAsset(assetId: string): Promise<Task[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': taskItem(assetId, '').pk, ':prefix': TASK_SK_PREFIX },
        ConsistentRead: true,
      }),
    );
    return Items.map(taskFromItem);
  }

  async removeOfAsset(assetId: string): Promise<void> {
    const tasks = await this.ofAsset(assetId);
    await Promise.all(
      tasks.map((t) => this.db.send(new DeleteCommand({ TableName: this.table, Key: taskItem(assetId, t.type) }))),
    );
  }
}
