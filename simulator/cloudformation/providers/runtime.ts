import { SeededRandom } from '../../core/seeded-random';
import { SimulatedClock } from '../../core/simulated-clock';
import { AwsError } from '../../protocol/aws-error';
import { JsonInput, RequestContext, ServiceHandler } from '../../protocol/service-handler';
import { handlerErrorCode, handlerFailure, serviceErrorMessage } from '../errors';
import type { ResourceRequest } from './provider';

/** What every handler works with: simulated time, draws, and the identity CloudFormation calls AWS with. */
export interface ProviderRuntime {
  readonly clock: SimulatedClock;
  readonly random: SeededRandom;
  /** The context of an AWS call CloudFormation's handlers make in `accountId`. */
  apiContext(accountId: string): RequestContext;
}

/**
 * Calls a service's API handler the way a resource handler calls AWS: in process, past the HTTP
 * front, so CloudFormation's own calls neither count against the test's call counters and throttles
 * nor meet injected faults. `service` is the SDK's service name in handler messages ("SsoAdmin").
 */
export class ServiceCaller {
  /** The request id of the last call that failed, quoted in the handler message. */
  private lastRequestId = '';

  constructor(private readonly handler: ServiceHandler, private readonly service: string, private readonly runtime: ProviderRuntime) {}

  /** The output, or the handler failure CloudFormation reports for the service error. */
  public call(operation: string, input: JsonInput, request: ResourceRequest): Record<string, unknown> {
    const outcome = this.attempt(operation, input, request);
    if (outcome instanceof AwsError) throw this.failure(outcome, request);
    return outcome;
  }

  /** The output, or the service error itself, for handlers that retry or tolerate some errors. */
  public attempt(operation: string, input: JsonInput, request: ResourceRequest): Record<string, unknown> | AwsError {
    const context = this.runtime.apiContext(request.accountId);
    try {
      return (this.handler.handle(operation, input, context) ?? {}) as Record<string, unknown>;
    } catch (error) {
      if (error instanceof AwsError) {
        this.lastRequestId = context.requestId;
        return error;
      }
      throw error;
    }
  }

  /** `errorCode`: the HandlerErrorCode the handler maps the error to, when it does not use the common mapping. */
  public failure(error: AwsError, request: ResourceRequest, errorCode = handlerErrorCode(error)): Error {
    return handlerFailure(serviceErrorMessage(error, this.service, this.lastRequestId), errorCode, request.requestToken);
  }
}
