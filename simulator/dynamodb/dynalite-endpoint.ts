import type { Server } from 'http';
import { AddressInfo } from 'net';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableProvider } from '../cloudformation/providers/dynamodb-table';

// The reconciler's state table lives in DynamoDB. Tests, the demo and the benchmark run it against
// dynalite (npm), a DynamoDB emulator on LevelDB that implements the DynamoDB JSON protocol, its
// validations and its condition expressions; it runs in-process here, in memory, on a free port.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

/** The key schema of the state table, as AssignmentAutomation creates it (src/reconciler/contract.ts STATE_TABLE_KEY). */
export interface TableKey {
  readonly partitionKey: string;
  readonly sortKey: string;
}

/** A dynalite server on 127.0.0.1 and the tables a test needs. */
export class DynamoDbEndpoint {
  /** Starts dynalite with tables that are ACTIVE at once (DynamoDB takes seconds; nothing here waits on it). */
  public static async start(): Promise<DynamoDbEndpoint> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return new DynamoDbEndpoint(server);
  }

  private readonly client: DynamoDBClient;

  private constructor(private readonly server: Server) {
    this.client = new DynamoDBClient({ endpoint: this.url, region: 'us-east-1', credentials: { accessKeyId: 'dynalite', secretAccessKey: 'dynalite' } });
  }

  public get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The variable that points the SDK's DynamoDB clients (and only them) here. */
  public env(): Record<string, string> {
    return { AWS_ENDPOINT_URL_DYNAMODB: this.url };
  }

  /** Creates an on-demand table with a string partition key and sort key. */
  public async createTable(name: string, key: TableKey): Promise<string> {
    await this.client.send(new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: key.partitionKey, KeyType: 'HASH' }, { AttributeName: key.sortKey, KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: key.partitionKey, AttributeType: 'S' }, { AttributeName: key.sortKey, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    return name;
  }

  /**
   * The hook by which `sim.cloudFormation` creates and deletes the AWS::DynamoDB::Table resources
   * of a template here, from their own KeySchema and AttributeDefinitions.
   */
  public tableProvider(): TableProvider {
    return {
      create: async (properties) => {
        await this.client.send(new CreateTableCommand({
          TableName: properties.TableName as string,
          KeySchema: properties.KeySchema as never,
          AttributeDefinitions: properties.AttributeDefinitions as never,
          BillingMode: 'PAY_PER_REQUEST',
        }));
      },
      // Billing mode, PITR, encryption, deletion protection: nothing the reconciler can observe.
      update: async () => undefined,
      delete: async (properties) => {
        // DeleteTable refuses a protected table (DynamoDB developer guide, "Using deletion
        // protection": "the table can't be deleted ... until deletion protection is disabled").
        if (String(properties.DeletionProtectionEnabled) === 'true') {
          throw new Error(`Resource cannot be deleted as it is currently protected against deletion: ${properties.TableName}`);
        }
        await this.client.send(new DeleteTableCommand({ TableName: properties.TableName as string }));
      },
    };
  }

  public async stop(): Promise<void> {
    this.client.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
