import { SeededRandom } from '../../core/seeded-random';
import { AwsError, unknownOperation } from '../../protocol/aws-error';
import { optionalArray } from '../../protocol/input';
import { JsonInput, RequestContext, ServiceHandler } from '../../protocol/service-handler';

export interface RecordedEvent {
  readonly eventId: string;
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  /** The parsed Detail. */
  readonly detail: unknown;
  readonly resources: readonly string[];
  readonly receivedAt: number;
}

/** "Entries ... Array Members: Minimum number of 1 item. Maximum number of 10 items." */
const MAX_ENTRIES = 10;
/** "The total entry size must be less than 256KB." https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html */
const MAX_TOTAL_BYTES = 256 * 1024;

/** Event buses (the default one exists) and the events put on them. */
export class EventBridgeModel {
  private readonly buses = new Set<string>(['default']);
  private readonly recorded: RecordedEvent[] = [];

  public createEventBus(name: string): void {
    this.buses.add(name);
  }

  /**
   * DeleteEventBus: "You can't delete your account's default event bus" (misuse, a plain error here); false if there
   * was no such bus. Rules are not modelled, so "All rules associated with this event bus need to be deleted" is not checked.
   * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DeleteEventBus.html
   */
  public deleteEventBus(name: string): boolean {
    if (name === 'default') throw new Error("you can't delete your account's default event bus");
    return this.buses.delete(name);
  }

  public hasEventBus(name: string): boolean {
    return this.buses.has(name);
  }

  /** Events accepted, all or on one bus, in arrival order. */
  public events(eventBusName?: string): readonly RecordedEvent[] {
    return eventBusName === undefined ? [...this.recorded] : this.recorded.filter((e) => e.eventBusName === eventBusName);
  }

  /** @internal */
  public record(event: RecordedEvent): void {
    this.recorded.push(event);
  }
}

/**
 * Amazon EventBridge, JSON 1.1 (`AWSEvents.*`): PutEvents. Entries fail one by one
 * (FailedEntryCount and per-entry ErrorCode), the request fails as a whole only when malformed.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html
 */
export class EventBridgeApi implements ServiceHandler {
  public readonly service = 'events';

  constructor(private readonly model: EventBridgeModel, private readonly random: SeededRandom) {}

  public handle(operation: string, input: JsonInput, context: RequestContext): unknown {
    if (operation !== 'PutEvents') throw unknownOperation(`AWSEvents.${operation}`);
    const entries = (optionalArray(input, 'Entries', validation) ?? []) as JsonInput[];
    if (entries.length < 1 || entries.length > MAX_ENTRIES) {
      throw validation(`1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`);
    }
    if (entries.reduce((total, e) => total + entrySize(e), 0) > MAX_TOTAL_BYTES) throw validation('Total size of the entries in the request is over the limit.');
    const results = entries.map((entry) => this.putEntry(entry, context));
    return { FailedEntryCount: results.filter((r) => r.ErrorCode !== undefined).length, Entries: results };
  }

  public throttlingError(): AwsError {
    return new AwsError('ThrottlingException', 'Rate exceeded', { messageKey: 'message', throttling: true });
  }

  public serverError(status: 500 | 503): AwsError {
    return status === 503
      ? new AwsError('ServiceUnavailable', 'Service Unavailable', { status, messageKey: 'message' })
      : new AwsError('InternalException', 'This exception occurs due to unexpected causes.', { status, messageKey: 'message' });
  }

  private putEntry(entry: JsonInput, context: RequestContext): { EventId?: string; ErrorCode?: string; ErrorMessage?: string } {
    const { Source, DetailType, Detail } = entry;
    if (typeof Source !== 'string' || typeof DetailType !== 'string' || typeof Detail !== 'string') {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required.' };
    }
    let detail: unknown;
    try {
      detail = JSON.parse(Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const busName = busNameOf(typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default');
    if (!this.model.hasEventBus(busName)) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
    const eventId = this.random.uuid();
    const resources = Array.isArray(entry.Resources) ? entry.Resources.map(String) : [];
    this.model.record({ eventId, eventBusName: busName, source: Source, detailType: DetailType, detail, resources, receivedAt: context.now });
    return { EventId: eventId };
  }
}

/** EventBusName may be a name or an ARN `arn:aws:events:region:account:event-bus/name`. */
function busNameOf(nameOrArn: string): string {
  const marker = ':event-bus/';
  const at = nameOrArn.indexOf(marker);
  return at >= 0 ? nameOrArn.slice(at + marker.length) : nameOrArn;
}

/** Entry size as EventBridge computes it: Time 14 bytes, then UTF-8 bytes of Source, DetailType, Detail and each resource. */
function entrySize(entry: JsonInput): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce((n: number, r: unknown) => n + bytes(r), 0) : 0;
  return (entry.Time !== undefined ? 14 : 0) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources;
}

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message, { messageKey: 'message' });
}
