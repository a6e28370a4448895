import { generatedName } from './physical-names';
import { ProvisionedResource, ResourceProvider, ResourceRequest, stringProperty } from './provider';
import { ProviderRuntime } from './runtime';
import { errorMessage, handlerFailure } from '../errors';
import type { StackResource } from '../stack-types';

/** TableName "Minimum length of 3. Maximum length of 255." (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html). */
const TABLE_NAME_MAX = 255;

/**
 * How a test makes AWS::DynamoDB::Table real (e.g. against dynalite). Each call gets the resolved
 * properties with TableName always set (generated when the template has none); a throw fails the
 * resource operation with the error's message.
 */
export interface TableProvider {
  create(properties: Readonly<Record<string, unknown>>): Promise<void>;
  update(properties: Readonly<Record<string, unknown>>, old: Readonly<Record<string, unknown>>): Promise<void>;
  delete(properties: Readonly<Record<string, unknown>>): Promise<void>;
}

/**
 * AWS::DynamoDB::Table: createOnly TableName, primaryIdentifier TableName, readOnly Arn and StreamArn
 * (cfn-lint schemas/providers/us_east_1/aws-dynamodb-table.json); Ref is the table name. The schema does not list
 * KeySchema as createOnly, but UpdateTable cannot change a table's key schema (it takes none), so a key change is
 * modelled as a replacement, refused while the table keeps its custom name (update-behaviors and aws-properties-name,
 * see deploy.ts): the less convenient reading. Without a hook set by the test, a table is only recorded.
 */
export class DynamoDbTableProvider implements ResourceProvider {
  public readonly createOnlyProperties = ['TableName', 'KeySchema'];
  public readonly nameProperty = 'TableName';
  public readonly primaryIdentifier = ['TableName'];

  constructor(private readonly hook: () => TableProvider | undefined, private readonly runtime: ProviderRuntime) {}

  public async create(request: ResourceRequest): Promise<ProvisionedResource> {
    const name = stringProperty(request.properties, 'TableName') ?? generatedName(this.runtime.random, request.stackName, request.logicalId, TABLE_NAME_MAX);
    const properties = { ...request.properties, TableName: name };
    await this.run(request, (hook) => hook.create(properties));
    return { physicalId: name, attributes: this.attributes(request, name) };
  }

  public async update(request: ResourceRequest, current: StackResource): Promise<ProvisionedResource> {
    const properties = { ...request.properties, TableName: current.physicalId };
    await this.run(request, (hook) => hook.update(properties, { ...current.properties, TableName: current.physicalId }));
    return { physicalId: current.physicalId, attributes: this.attributes(request, current.physicalId, current) };
  }

  public async delete(request: ResourceRequest, current: StackResource): Promise<void> {
    await this.run(request, (hook) => hook.delete({ ...current.properties, TableName: current.physicalId }));
  }

  private async run(request: ResourceRequest, call: (hook: TableProvider) => Promise<void>): Promise<void> {
    const hook = this.hook();
    if (!hook) return;
    try {
      await call(hook);
    } catch (error) {
      throw handlerFailure(errorMessage(error), 'GeneralServiceException', request.requestToken);
    }
  }

  /**
   * The stream of an updated table keeps its ARN, `<table ARN>/stream/<label>`; the label is "A timestamp, in ISO 8601
   * format, for this stream" (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_Stream.html).
   */
  private attributes(request: ResourceRequest, name: string, current?: StackResource): Record<string, unknown> {
    const arn = `arn:${request.partition}:dynamodb:${request.region}:${request.accountId}:table/${name}`;
    if (request.properties.StreamSpecification === undefined) return { Arn: arn };
    const streamLabel = new Date(this.runtime.clock.now()).toISOString().replace('Z', '');
    return { Arn: arn, StreamArn: current?.attributes.StreamArn ?? `${arn}/stream/${streamLabel}` };
  }
}
