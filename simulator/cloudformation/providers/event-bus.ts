import { ProvisionedResource, ResourceProvider, ResourceRequest, stringProperty } from './provider';
import { ProviderRuntime } from './runtime';
import { AwsError } from '../../protocol/aws-error';
import { EventBridgeModel } from '../../services/messaging/eventbridge';
import { handlerErrorCode, handlerFailure, serviceErrorMessage } from '../errors';
import type { StackResource } from '../stack-types';

/**
 * AWS::Events::EventBus against EventBridgeModel: createOnly and primaryIdentifier Name, required
 * (aws-cloudformation/aws-cloudformation-resource-providers-events aws-events-eventbus/aws-events-eventbus.json); Ref is
 * the name; attributes Arn (`arn:aws:events:<region>:<account>:event-bus/<name>`) and Name. A bus that exists already
 * fails the create with ResourceAlreadyExistsException (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateEventBus.html);
 * the message text is the simulator's.
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

  /** Tags and Policy are the only updatable properties, and neither is modelled. */
  public async update(_request: ResourceRequest, current: StackResource): Promise<ProvisionedResource> {
    return { physicalId: current.physicalId, attributes: current.attributes };
  }

  /**
   * DeleteEventBus. A bus already gone fails the handler's DescribeEventBus pre-check with NotFound (aws-events-eventbus
   * DeleteHandler.java), which "CloudFormation itself chooses to ignore ... during stack workflows" (cloudformation-cli#456).
   */
  public async delete(_request: ResourceRequest, current: StackResource): Promise<void> {
    this.eventBridge.deleteEventBus(current.physicalId);
  }

  public async read(identifier: Readonly<Record<string, string>>, request: ResourceRequest): Promise<ProvisionedResource | undefined> {
    return this.eventBridge.hasEventBus(identifier.Name) ? provisioned(request, identifier.Name) : undefined;
  }
}

function provisioned(request: ResourceRequest, name: string): ProvisionedResource {
  return { physicalId: name, attributes: { Arn: `arn:${request.partition}:events:${request.region}:${request.accountId}:event-bus/${name}`, Name: name } };
}
