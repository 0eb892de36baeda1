import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { INDEXES, type IndexDefinition, projectionOf, TABLE_KEY } from '#shared/table/schema.ts';

const key = (name: string) => ({ name, type: AttributeType.STRING });

const projection = (index: IndexDefinition) => {
  const p = projectionOf(index);
  return p.type === 'ALL'
    ? { projectionType: ProjectionType.ALL }
    : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...p.nonKeyAttributes] };
};

/** The single table of DESIGN.md §4, from the same schema the local stack creates. */
export class AssetTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: key(TABLE_KEY.partitionKey),
      sortKey: key(TABLE_KEY.sortKey),
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: TableEncryptionV2.awsManagedKey(),
      // Idempotency records (Powertools) and the feed's claims carry an expiry DynamoDB sweeps.
      timeToLiveAttribute: 'expiration',
      // The change feed's source (feed-writer.ts): every change with the item before and after.
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      globalSecondaryIndexes: Object.values(INDEXES).map((index) => ({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
        ...projection(index),
      })),
    });
  }
}
