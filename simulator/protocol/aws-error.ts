/**
 * An error answered the way AWS answers it. In the JSON protocols the body is
 * `{"__type": code, "<message key>": message, ...fields}` with the `x-amzn-ErrorType` header;
 * the SDK picks the error class from `__type` and copies the shape's members from the body.
 * AWS sends HTTP 400 for client errors even where the Smithy model declares another `httpError`
 * (e.g. ThrottlingException observed as 400 in aws-iam-identity-center-extensions#87), and 5xx
 * for service faults, which is what the SDK's retry strategy keys on.
 * https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization
 */
export interface AwsErrorOptions {
  /** HTTP status. @default 400 */
  readonly status?: number;
  /** The member that carries the message in this error shape: `Message` or `message`. @default 'Message' */
  readonly messageKey?: 'Message' | 'message';
  /** Other members of the error shape, e.g. `Reason`. */
  readonly fields?: Record<string, unknown>;
  /** The awsQuery error code, for query-compatible services (SQS) and the Query protocol (SNS). */
  readonly queryCode?: string;
  /** Counted as a throttled call. */
  readonly throttling?: boolean;
}

export class AwsError extends Error {
  public readonly status: number;
  public readonly messageKey: 'Message' | 'message';
  public readonly fields: Record<string, unknown>;
  public readonly queryCode: string;
  public readonly throttling: boolean;

  constructor(public readonly code: string, message: string, options: AwsErrorOptions = {}) {
    super(message);
    this.name = code;
    this.status = options.status ?? 400;
    this.messageKey = options.messageKey ?? 'Message';
    this.fields = options.fields ?? {};
    this.queryCode = options.queryCode ?? code;
    this.throttling = options.throttling ?? false;
  }

  /** Sender for 4xx, Receiver for 5xx, as the awsQuery `Type` element and query-error header say. */
  public get faultType(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }

  public toJsonBody(): Record<string, unknown> {
    return { __type: this.code, [this.messageKey]: this.message, ...this.fields };
  }
}

/** AWS's answer to an operation name the service does not know. */
export function unknownOperation(target: string): AwsError {
  return new AwsError('UnknownOperationException', `Operation ${target} is not supported by this service`, { messageKey: 'message' });
}

/** A request without SigV4 credentials; AWS rejects it before looking at the operation. */
export function missingAuthentication(): AwsError {
  return new AwsError('MissingAuthenticationTokenException', 'Request is missing Authentication Token', { status: 400, messageKey: 'message' });
}
