import { generatedName } from './physical-names';
import { ProvisionedResource, ResourceProvider, ResourceRequest, stringProperty } from './provider';
import { ProviderRuntime, ServiceCaller } from './runtime';
import { ServiceHandler } from '../../protocol/service-handler';
import { EventBridgeModel } from '../../services/messaging/eventbridge';
import { SsmModel } from '../../services/ssm/ssm-model';
import type { StackResource } from '../stack-types';

export interface ParameterStorePort {
  readonly model: SsmModel;
  /** The SSM API handler: PutParameter's tier rules (Intelligent-Tiering, no Advanced → Standard) live there. */
  readonly api: ServiceHandler;
  /** Where Parameter Store Change events go (the account's default bus). */
  readonly eventBridge: EventBridgeModel;
}

/**
 * AWS::SSM::Parameter: createOnly Name (a rename is a replacement: the new parameter is written in
 * the update pass, the old one deleted in cleanup); Value, Description, Tier, AllowedPattern update
 * in place; Tier is writeOnly (cfn-lint schemas/providers/us_east_1/aws-ssm-parameter.json) and "you can't revert an
 * advanced parameter to a standard parameter"
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html). Ref is the
 * name; attributes Type and Value.
 *
 * Every write emits the `aws.ssm` "Parameter Store Change" event (detail.operation Create, Update or
 * Delete, name, type) on the default bus, including the Delete of a cleanup
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-cwe.html). The docs
 * say delivery is "best effort"; here every event is recorded, dropping is left to the test.
 */
export class SsmParameterProvider implements ResourceProvider {
  public readonly createOnlyProperties = ['Name'];
  public readonly nameProperty = 'Name';
  public readonly primaryIdentifier = ['Name'];
  private readonly api: ServiceCaller;

  constructor(private readonly parameterStore: ParameterStorePort, private readonly runtime: ProviderRuntime) {
    this.api = new ServiceCaller(parameterStore.api, 'Ssm', runtime);
  }

  public async create(request: ResourceRequest): Promise<ProvisionedResource> {
    // An unnamed parameter is called `CFN-<LogicalId>-<suffix>`: "Name format: Prefix - logical resource id - randomString"
    // with prefix "CFN" (aws-cloudformation/aws-cloudformation-resource-providers-ssm#159; the suffix length is the simulator's).
    const name = stringProperty(request.properties, 'Name') ?? generatedName(this.runtime.random, 'CFN', request.logicalId, 2048);
    return this.put(request, name, false);
  }

  public async update(request: ResourceRequest, current: StackResource): Promise<ProvisionedResource> {
    return this.put(request, current.physicalId, true);
  }

  /** DeleteParameter, the same model call the API's DeleteParameter makes. */
  public async delete(request: ResourceRequest, current: StackResource): Promise<void> {
    const existing = this.parameterStore.model.get(current.physicalId);
    // Already gone: NotFound, which CloudFormation ignores on delete (aws-cloudformation/cloudformation-cli#456).
    if (!existing) return;
    this.parameterStore.model.delete(current.physicalId);
    this.emit(request, 'Delete', existing.name, existing.type);
  }

  public async read(identifier: Readonly<Record<string, string>>): Promise<ProvisionedResource | undefined> {
    const parameter = this.parameterStore.model.get(identifier.Name);
    return parameter && { physicalId: parameter.name, attributes: { Type: parameter.type, Value: parameter.value } };
  }

  private put(request: ResourceRequest, name: string, overwrite: boolean): ProvisionedResource {
    const p = request.properties;
    this.api.call('PutParameter', {
      Name: name,
      Value: stringProperty(p, 'Value'),
      Type: stringProperty(p, 'Type'),
      Tier: stringProperty(p, 'Tier'),
      Description: stringProperty(p, 'Description'),
      Overwrite: overwrite,
    }, request);
    const stored = this.parameterStore.model.get(name)!;
    this.emit(request, overwrite ? 'Update' : 'Create', name, stored.type);
    return { physicalId: name, attributes: { Type: stored.type, Value: stored.value } };
  }

  private emit(request: ResourceRequest, operation: 'Create' | 'Update' | 'Delete', name: string, type: string): void {
    const arnPath = name.startsWith('/') ? name.slice(1) : name;
    this.parameterStore.eventBridge.record({
      eventId: this.runtime.random.uuid(),
      eventBusName: 'default',
      source: 'aws.ssm',
      detailType: 'Parameter Store Change',
      detail: { operation, name, type },
      resources: [`arn:${request.partition}:ssm:${request.region}:${request.accountId}:parameter/${arnPath}`],
      receivedAt: this.runtime.clock.now(),
    });
  }
}
