import { AwsError } from './aws-error';
import { TokenBucket } from '../core/token-bucket';
import type { Caller } from '../services/iam/iam-model';

/** What a handler knows about the request it serves. */
export interface RequestContext {
  readonly requestId: string;
  /** Simulated epoch milliseconds when the request is processed. */
  readonly now: number;
  /** The simulator's base URL, for resources that embed it (SQS queue URLs). */
  readonly endpoint: string;
  readonly region: string;
  /** Who signed the request, resolved from its SigV4 access key id; handlers authorize against it. */
  readonly caller: Caller;
}

/** JSON input as decoded from the request; handlers validate what they read. */
export type JsonInput = Record<string, unknown>;

/** One AWS service behind the simulator, independent of the wire protocol. */
export interface ServiceHandler {
  /** The name used for counting and fault selectors: 'sso-admin', 'organizations', ... */
  readonly service: string;
  /** The collective request-rate throttle of the service, if AWS enforces a notable one. */
  readonly rateLimit?: TokenBucket;
  handle(operation: string, input: JsonInput, context: RequestContext): unknown;
  /** The error this service answers when throttled (by rate or by a throttling storm). */
  throttlingError(): AwsError;
  /** The service's own 5xx error, for fault injection. */
  serverError(status: 500 | 503): AwsError;
}
