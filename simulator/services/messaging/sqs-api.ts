import { createHash } from 'crypto';
import { SqsMessage, SqsModel } from './sqs-model';
import { SeededRandom } from '../../core/seeded-random';
import { AwsError, unknownOperation } from '../../protocol/aws-error';
import { optionalInteger, optionalObject, optionalString, requiredString } from '../../protocol/input';
import { JsonInput, RequestContext, ServiceHandler } from '../../protocol/service-handler';

/** "Any messages sent with the same message deduplication ID are accepted successfully but aren't delivered during the 5-minute deduplication interval." */
const DEDUPLICATION_WINDOW_MS = 5 * 60 * 1000;
/** "The minimum message size is 1 byte ... The maximum is 262,144 bytes (256 KiB)." */
const MAX_BODY_BYTES = 262_144;

/**
 * Amazon SQS, JSON 1.0 with awsQuery compatibility (`AmazonSQS.*`): SendMessage.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
export class SqsApi implements ServiceHandler {
  public readonly service = 'sqs';

  constructor(private readonly model: SqsModel, private readonly random: SeededRandom) {}

  public handle(operation: string, input: JsonInput, context: RequestContext): unknown {
    if (operation !== 'SendMessage') throw unknownOperation(`AmazonSQS.${operation}`);
    return this.sendMessage(input, context);
  }

  public throttlingError(): AwsError {
    return new AwsError('RequestThrottled', 'Request is throttled.', { messageKey: 'message', queryCode: 'RequestThrottled', throttling: true });
  }

  public serverError(status: 500 | 503): AwsError {
    return status === 503
      ? new AwsError('ServiceUnavailable', 'Service Unavailable', { status, messageKey: 'message' })
      : new AwsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', { status, messageKey: 'message' });
  }

  private sendMessage(input: JsonInput, context: RequestContext): unknown {
    const queueUrl = requiredString(input, 'QueueUrl', missingParameter);
    const queue = this.model.queueByUrl(queueUrl);
    if (!queue) {
      throw new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', { messageKey: 'message', queryCode: 'AWS.SimpleQueueService.NonExistentQueue' });
    }
    const body = requiredString(input, 'MessageBody', missingParameter);
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes < 1 || bytes > MAX_BODY_BYTES) invalidParameterValue(`One or more parameters are invalid. Reason: Message must be shorter than ${MAX_BODY_BYTES} bytes.`);
    const groupId = optionalString(input, 'MessageGroupId', invalidParameterValue);
    let deduplicationId = optionalString(input, 'MessageDeduplicationId', invalidParameterValue);
    const delaySeconds = optionalInteger(input, 'DelaySeconds', invalidParameterValue);
    const attributes = optionalObject(input, 'MessageAttributes', invalidParameterValue) as SqsMessage['messageAttributes'];

    if (queue.fifo) {
      if (groupId === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter MessageGroupId.', { messageKey: 'message' });
      if (delaySeconds !== undefined && delaySeconds !== 0) {
        invalidParameterValue(`Value ${delaySeconds} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`);
      }
      if (deduplicationId === undefined && !queue.contentBasedDeduplication) {
        invalidParameterValue('The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
      }
      deduplicationId ??= createHash('sha256').update(body).digest('hex');
    } else if (deduplicationId !== undefined) {
      invalidParameterValue('Value for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.');
    }

    const duplicate = deduplicationId !== undefined ? queue.deduplication.get(deduplicationId) : undefined;
    if (duplicate && duplicate.expiresAt > context.now) return this.result(duplicate.message);

    const message: SqsMessage = {
      messageId: this.random.uuid(),
      body,
      messageGroupId: groupId,
      messageDeduplicationId: deduplicationId,
      sequenceNumber: queue.fifo ? this.model.nextSequenceNumber() : undefined,
      messageAttributes: attributes,
      sentAt: context.now,
    };
    queue.messages.push(message);
    if (queue.fifo) queue.deduplication.set(deduplicationId!, { message, expiresAt: context.now + DEDUPLICATION_WINDOW_MS });
    return this.result(message);
  }

  private result(message: SqsMessage): Record<string, unknown> {
    return {
      MessageId: message.messageId,
      MD5OfMessageBody: md5(Buffer.from(message.body, 'utf8')),
      MD5OfMessageAttributes: message.messageAttributes ? md5(encodeAttributes(message.messageAttributes)) : undefined,
      SequenceNumber: message.sequenceNumber,
    };
  }
}

/**
 * The documented MD5-of-attributes encoding: per attribute, sorted by name, each of name, data
 * type and value prefixed by its 4-byte big-endian length, with a transport byte (1 = string).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation
 */
function encodeAttributes(attributes: NonNullable<SqsMessage['messageAttributes']>): Buffer {
  const parts: Buffer[] = [];
  for (const name of Object.keys(attributes).sort()) {
    const { DataType, StringValue } = attributes[name];
    parts.push(lengthPrefixed(name), lengthPrefixed(DataType), Buffer.from([1]), lengthPrefixed(StringValue ?? ''));
  }
  return Buffer.concat(parts);
}

function lengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

function missingParameter(message: string): AwsError {
  return new AwsError('MissingParameter', message, { messageKey: 'message' });
}

function invalidParameterValue(message: string): never {
  throw new AwsError('InvalidParameterValue', message, { messageKey: 'message' });
}
