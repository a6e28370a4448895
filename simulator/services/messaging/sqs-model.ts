export interface SqsMessage {
  readonly messageId: string;
  readonly body: string;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
  readonly sequenceNumber?: string;
  readonly messageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
  /** Simulated epoch milliseconds. */
  readonly sentAt: number;
}

export interface SqsQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  /** Messages accepted and enqueued (deduplicated sends are not here). */
  readonly messages: SqsMessage[];
  /** @internal deduplication id -> first accepted message and when its window ends. */
  readonly deduplication: Map<string, { message: SqsMessage; expiresAt: number }>;
}

/** Queues created by fixtures; the API only sends to them. */
export class SqsModel {
  private readonly queues = new Map<string, SqsQueue>();
  private sequence = 0;

  constructor(private readonly endpoint: () => string, private readonly accountId: () => string, private readonly region: string) {}

  /** A FIFO queue's name ends in `.fifo` (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues.html). */
  public createQueue(name: string, options: { contentBasedDeduplication?: boolean } = {}): SqsQueue {
    if (this.queues.has(name)) throw new Error(`queue ${name} already exists`);
    const queue: SqsQueue = {
      name,
      // Queue URLs point at the simulator: the SDK sends to the QueueUrl host when no endpoint is configured.
      url: `${this.endpoint()}/${this.accountId()}/${name}`,
      arn: `arn:aws:sqs:${this.region}:${this.accountId()}:${name}`,
      fifo: name.endsWith('.fifo'),
      contentBasedDeduplication: options.contentBasedDeduplication ?? false,
      messages: [],
      deduplication: new Map(),
    };
    this.queues.set(name, queue);
    return queue;
  }

  /**
   * DeleteQueue: the queue goes "regardless of the queue's contents"; false if there was none (SQS answers success then).
   * The "up to 60 seconds" of deletion and the 60 s before a queue of the same name can be created are not modelled.
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html
   */
  public deleteQueue(name: string): boolean {
    return this.queues.delete(name);
  }

  public queue(name: string): SqsQueue | undefined {
    return this.queues.get(name);
  }

  /** The queue a QueueUrl designates: its last path segment, whatever the host. */
  public queueByUrl(url: string): SqsQueue | undefined {
    const name = url.split('/').filter(Boolean).pop();
    return name === undefined ? undefined : this.queues.get(name);
  }

  /** Messages enqueued on a queue, in order. */
  public messages(name: string): readonly SqsMessage[] {
    return this.queues.get(name)?.messages ?? [];
  }

  /** @internal FIFO sequence numbers: 20 digits, increasing. */
  public nextSequenceNumber(): string {
    this.sequence++;
    return String(18000000000000000000n + BigInt(this.sequence));
  }
}
