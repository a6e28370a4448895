import { deleteEventBus } from './model-gaps';
import { ProvisionedResource, ResourceProvider, ResourceRequest, stringProperty } from './provider';
import { ProviderRuntime } from './runtime';
import { AwsError } from '../../protocol/aws-error';
import { EventBridgeModel } from '../../services/messaging/eventbridge';
import { handlerErrorCode, handlerFailure, serviceErrorMessage } from '../errors';
import type { StackResource } from '../stack-types';

/**
 * AWS::Events::EventBus against EventBridgeModel: createOnly Name (required); Ref is the name;
 * attributes Arn (`arn:aws:events:<region>:<account>:event-bus/<name>`) and Name. A bus that exists
 * already fails the create with EventBridge's ResourceAlreadyExistsException.
 */
export class EventBusProvider implements ResourceProvider {
  public readonly createOnlyProperties = ['Name'];
  public readonly nameProperty = 'Name';
  public readonly primaryIdentifier = ['Name'];

  constructor(private readonly eventBridge: EventBridgeModel, private readonly runtime: ProviderRuntime) {}

  public async create(request: ResourceRequest): Promise<ProvisionedResource> {
    const name = stringProperty(request.properties, 'Name') ?? '';
    if (this.eventBridge.hasEventBus(name)) {
      const error = new AwsError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
      throw handlerFailure(serviceErrorMessage(error, 'EventBridge', this.runtime.random.uuid()), handlerErrorCode(error), request.requestToken);
    }
    this.eventBridge.createEventBus(name);
    return provisioned(request, name);
  }

  public async update(_request: ResourceRequest, current: StackResource): Promise<ProvisionedResource> {
    return { physicalId: current.physicalId, attributes: current.attributes };
  }

  public async delete(_request: ResourceRequest, current: StackResource): Promise<void> {
    deleteEventBus(this.eventBridge, current.physicalId);
  }

  public async read(identifier: Readonly<Record<string, string>>, request: ResourceRequest): Promise<ProvisionedResource | undefined> {
    return this.eventBridge.hasEventBus(identifier.Name) ? provisioned(request, identifier.Name) : undefined;
  }
}

function provisioned(request: ResourceRequest, name: string): ProvisionedResource {
  return { physicalId: name, attributes: { Arn: `arn:${request.partition}:events:${request.region}:${request.accountId}:event-bus/${name}`, Name: name } };
}
