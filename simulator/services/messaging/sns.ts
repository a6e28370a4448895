import { SeededRandom } from '../../core/seeded-random';
import { AwsError, unknownOperation } from '../../protocol/aws-error';
import { JsonInput, RequestContext, ServiceHandler } from '../../protocol/service-handler';

export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly message: string;
  readonly subject?: string;
  readonly messageAttributes?: unknown;
  readonly publishedAt: number;
}

/** "The maximum message size is 256 KB" (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html). */
const MAX_MESSAGE_BYTES = 262_144;

/** Topics created by fixtures and what was published to them. */
export class SnsModel {
  private readonly topics = new Set<string>();
  private readonly published: PublishedMessage[] = [];

  constructor(private readonly accountId: () => string, private readonly region: string) {}

  /** Creates a topic and returns its ARN. */
  public createTopic(name: string): string {
    const arn = `arn:aws:sns:${this.region}:${this.accountId()}:${name}`;
    this.topics.add(arn);
    return arn;
  }

  public hasTopic(arn: string): boolean {
    return this.topics.has(arn);
  }

  /** Messages published, all or to one topic, in order. */
  public messages(topicArn?: string): readonly PublishedMessage[] {
    return topicArn === undefined ? [...this.published] : this.published.filter((m) => m.topicArn === topicArn);
  }

  /** @internal */
  public record(message: PublishedMessage): void {
    this.published.push(message);
  }
}

/** Amazon SNS over the Query protocol (`Action=Publish`), answering XML. */
export class SnsApi implements ServiceHandler {
  public readonly service = 'sns';

  constructor(private readonly model: SnsModel, private readonly random: SeededRandom) {}

  public handle(operation: string, input: JsonInput, context: RequestContext): unknown {
    if (operation !== 'Publish') throw unknownOperation(operation);
    const topicArn = typeof input.TopicArn === 'string' ? input.TopicArn : input.TargetArn;
    if (typeof topicArn !== 'string') throw invalidParameter('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    if (typeof input.Message !== 'string' || input.Message.length === 0) throw invalidParameter('Invalid parameter: Empty message');
    if (Buffer.byteLength(input.Message, 'utf8') > MAX_MESSAGE_BYTES) throw invalidParameter('Invalid parameter: Message too long');
    if (typeof input.Subject === 'string' && input.Subject.length > 100) throw invalidParameter('Invalid parameter: Subject');
    if (!this.model.hasTopic(topicArn)) throw new AwsError('NotFoundException', 'Topic does not exist', { status: 404, queryCode: 'NotFound' });
    const messageId = this.random.uuid();
    this.model.record({
      messageId,
      topicArn,
      message: input.Message,
      subject: typeof input.Subject === 'string' ? input.Subject : undefined,
      messageAttributes: input.MessageAttributes,
      publishedAt: context.now,
    });
    return { MessageId: messageId };
  }

  public throttlingError(): AwsError {
    return new AwsError('ThrottledException', 'Rate exceeded', { status: 429, queryCode: 'Throttled', throttling: true });
  }

  public serverError(status: 500 | 503): AwsError {
    return status === 503
      ? new AwsError('ServiceUnavailable', 'Service Unavailable', { status, queryCode: 'ServiceUnavailable' })
      : new AwsError('InternalErrorException', 'Internal Error', { status, queryCode: 'InternalError' });
  }
}

function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterException', message, { queryCode: 'InvalidParameter' });
}
