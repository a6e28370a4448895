import { generatedName } from './physical-names';
import { booleanProperty, ProvisionedResource, ResourceProvider, ResourceRequest, stringProperty } from './provider';
import { ProviderRuntime } from './runtime';
import { AwsError } from '../../protocol/aws-error';
import { SqsModel, SqsQueue } from '../../services/messaging/sqs-model';
import { handlerErrorCode, handlerFailure, serviceErrorMessage } from '../errors';
import type { StackResource } from '../stack-types';

/** "A queue name can have up to 80 characters" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html). */
const QUEUE_NAME_MAX = 80;

/**
 * AWS::SQS::Queue against SqsModel: createOnly QueueName and FifoQueue, primaryIdentifier QueueUrl (cfn-lint
 * schemas/providers/us_east_1/aws-sqs-queue.json); Ref is the queue URL; attributes Arn, QueueName, QueueUrl.
 * "The name of a FIFO queue must end with the .fifo suffix"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues.html), so
 * a generated FIFO name ends in .fifo. Queue attributes other than FIFO-ness and content-based
 * deduplication are stored as properties only (SqsModel does not model them).
 */
export class SqsQueueProvider implements ResourceProvider {
  public readonly createOnlyProperties = ['QueueName', 'FifoQueue'];
  public readonly nameProperty = 'QueueName';
  public readonly primaryIdentifier = ['QueueUrl'];

  constructor(private readonly sqs: SqsModel, private readonly runtime: ProviderRuntime) {}

  public async create(request: ResourceRequest): Promise<ProvisionedResource> {
    const p = request.properties;
    const fifo = booleanProperty(p, 'FifoQueue');
    const name = stringProperty(p, 'QueueName') ?? generatedName(this.runtime.random, request.stackName, request.logicalId, QUEUE_NAME_MAX, fifo ? '.fifo' : '');
    if (fifo !== name.endsWith('.fifo')) {
      // SQS's answers to a FIFO name without the suffix (the CREATE_FAILED text in mapbox/cloudfriend#94) and to a
      // standard queue with it (boto/botocore#3058).
      throw this.failure(new AwsError('InvalidParameterValue', fifo
        ? 'The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.'
        : 'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length'), request);
    }
    if (this.sqs.queue(name)) {
      // A create handler "MUST return FAILED with an AlreadyExists error code if the resource already existed"
      // (https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-test-contract.html). SQS's own text
      // names one attribute ("... a different value for attribute DelaySeconds", freeCodeCamp/mail-for-good#159); this one is the simulator's.
      throw this.failure(new AwsError('QueueAlreadyExists', `A queue already exists with the same name and a different value for attribute(s) in ${name}.`), request);
    }
    return provisioned(this.sqs.createQueue(name, { contentBasedDeduplication: booleanProperty(p, 'ContentBasedDeduplication') }));
  }

  /** SetQueueAttributes of attributes SqsModel does not model: nothing to change beyond the stored properties. */
  public async update(_request: ResourceRequest, current: StackResource): Promise<ProvisionedResource> {
    return { physicalId: current.physicalId, attributes: current.attributes };
  }

  /** DeleteQueue (the schema's delete handler permission); a queue already gone counts as deleted, as DeleteQueue answers. */
  public async delete(_request: ResourceRequest, current: StackResource): Promise<void> {
    const queue = this.sqs.queueByUrl(current.physicalId);
    if (queue) this.sqs.deleteQueue(queue.name);
  }

  public async read(identifier: Readonly<Record<string, string>>): Promise<ProvisionedResource | undefined> {
    const queue = this.sqs.queueByUrl(identifier.QueueUrl);
    return queue && provisioned(queue);
  }

  private failure(error: AwsError, request: ResourceRequest): Error {
    return handlerFailure(serviceErrorMessage(error, 'Sqs', this.runtime.random.uuid()), handlerErrorCode(error), request.requestToken);
  }
}

function provisioned(queue: SqsQueue): ProvisionedResource {
  return { physicalId: queue.url, attributes: { Arn: queue.arn, QueueName: queue.name, QueueUrl: queue.url } };
}
