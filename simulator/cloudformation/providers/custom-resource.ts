import { FunctionRegistry } from './lambda-function';
import { generatedName } from './physical-names';
import { ProvisionedResource, ResourceProvider, ResourceRequest, stringProperty } from './provider';
import { ProviderRuntime } from './runtime';
import { CustomResourceResponses } from '../custom-resource-responses';
import { ResourceFailure } from '../errors';
import { pause, TIMED_OUT, withDeadline } from '../simulated-time';
import type { DeployedFunction, FunctionInvoker, StackResource } from '../stack-types';

/**
 * "ServiceTimeout ... The value must be an integer from 1 to 3600. The default value is 3600 seconds (1 hour)."
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html).
 */
const DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600;
const MAX_SERVICE_TIMEOUT_SECONDS = 3600;
/**
 * CloudFormation invokes the function asynchronously, and for an asynchronous invocation "Lambda
 * retries function errors twice", one minute, then two minutes apart
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). The retries
 * stop here once a response has arrived.
 */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

type RequestType = 'Create' | 'Update' | 'Delete';

export interface CustomResourceDependencies {
  readonly functions: FunctionRegistry;
  readonly responses: CustomResourceResponses;
  readonly invoker: () => FunctionInvoker | undefined;
  /** Where a handler's thrown errors go (the function's log, so to speak). */
  readonly invocationFailed: (fn: DeployedFunction, error: unknown) => void;
}

/**
 * AWS::CloudFormation::CustomResource and Custom::*: each operation sends CloudFormation's request
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html) to the
 * stack's Lambda function named by ServiceToken, without waiting for the handler: the answer is the
 * PUT to ResponseURL, awaited up to ServiceTimeout seconds of simulated time; a longer wait is not possible whatever the
 * CDK Provider's totalTimeout says (aws/aws-cdk#24974).
 * - Properties reach the handler as strings: "CloudFormation turns all the JSON properties passed to
 *   the resource into strings" (aws/aws-cdk-rfcs#375; aws-cloudformation/cloudformation-coverage-roadmap#1037).
 * - Update carries OldResourceProperties; a different PhysicalResourceId in the answer makes it a replacement, and the
 *   old id gets a Delete in the cleanup phase (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html).
 * - ServiceToken cannot change ("Updates are not supported", aws-cloudformation/cloudformation-coverage-roadmap#802):
 *   "Modifying service token is not allowed." (cloudcomponents/cdk-constructs#197).
 * - FAILED: "Received response status [FAILED] from custom resource. Message returned: <Reason>"
 *   (awslabs/landing-zone-accelerator-on-aws#730). No answer: "CloudFormation did not receive a response from your
 *   Custom Resource. Please check your logs for requestId [...]" (aws/copilot-cli#4868).
 * - Data becomes the attributes of Fn::GetAtt (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html).
 * - A Create still waiting when another resource of the stack fails is cancelled: CREATE_FAILED "Resource creation
 *   cancelled", and the rollback sends its Delete at once, while the Create's invocation may still be running; its late
 *   answer is ignored (aws/aws-cdk#26139, aws-cloudformation/cloudformation-coverage-roadmap#1730). Only Creates are
 *   cancelled here; an Update in flight, which CloudFormation presumably cancels too, is waited for.
 */
export class CustomResourceProvider implements ResourceProvider {
  public readonly createOnlyProperties: readonly string[] = [];

  constructor(private readonly dependencies: CustomResourceDependencies, private readonly runtime: ProviderRuntime) {}

  public async create(request: ResourceRequest): Promise<ProvisionedResource> {
    return this.send('Create', request, {});
  }

  public async update(request: ResourceRequest, current: StackResource): Promise<ProvisionedResource> {
    if (stringProperty(request.properties, 'ServiceToken') !== stringProperty(current.properties, 'ServiceToken')) {
      throw new ResourceFailure('Modifying service token is not allowed.');
    }
    return this.send('Update', request, { PhysicalResourceId: current.physicalId, OldResourceProperties: stringified(current.properties) });
  }

  public async delete(request: ResourceRequest, current: StackResource): Promise<void> {
    await this.send('Delete', request, { PhysicalResourceId: current.physicalId });
  }

  /** The attribute error CloudFormation reports when the provider's Data lacks the key (the text as in aws/aws-cdk#17613). */
  public attribute(resource: StackResource, name: string): unknown {
    const requestId = String(resource.providerState?.requestId ?? '');
    throw new Error(`CustomResource attribute error: Vendor response doesn't contain ${name} key in object ${resource.logicalId}|${requestId}`);
  }

  private async send(type: RequestType, request: ResourceRequest, extra: Record<string, unknown>): Promise<ProvisionedResource> {
    const requestId = this.runtime.random.uuid();
    const timeoutSeconds = serviceTimeout(request.properties);
    const serviceToken = stringProperty(request.properties, 'ServiceToken') ?? '';
    const fn = this.dependencies.functions.byArn(serviceToken);
    // Only Lambda-backed custom resources are modelled; the wording of these two refusals is the simulator's.
    if (!fn) throw new ResourceFailure(`Invalid service token ${serviceToken}: no Lambda function with that ARN is deployed in the simulator`);
    const invoker = this.dependencies.invoker();
    if (!invoker) throw new ResourceFailure('No function invoker set: call sim.cloudFormation.setFunctionInvoker() to run custom resource handlers');

    const url = this.dependencies.responses.open();
    const event = {
      RequestType: type,
      ServiceToken: serviceToken,
      ResponseURL: url.url,
      StackId: request.stackId,
      RequestId: requestId,
      LogicalResourceId: request.logicalId,
      ResourceType: request.type,
      ResourceProperties: stringified(request.properties),
      ...extra,
    };
    this.invokeAsynchronously(invoker, fn, event, url.received);
    const answer = type === 'Create' && request.cancelled ? Promise.race([url.received, whenAborted(request.cancelled)]) : url.received;
    const outcome = await withDeadline(this.runtime.clock, answer, this.runtime.clock.now() + timeoutSeconds * 1000);
    url.close();

    // A Create that never answered still gets a Delete in the rollback. Which PhysicalResourceId
    // CloudFormation puts in it is not documented; a generated name the handler never issued is the
    // less convenient guess.
    const fallbackId = type === 'Create' ? generatedName(this.runtime.random, request.stackName, request.logicalId, 128) : String(extra.PhysicalResourceId);
    // The event reason CloudFormation shows (aws/aws-cdk#26139); the Delete the rollback sends names the fallback id.
    if (outcome === CANCELLED) throw new ResourceFailure('Resource creation cancelled', fallbackId);
    if (outcome === TIMED_OUT) {
      throw new ResourceFailure(`CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId [${requestId}]. `
        + 'If you are using the Python cfn-response module, you may need to update your Lambda function code so that CloudFormation can attach the updated version.',
      fallbackId);
    }
    if ('invalid' in outcome) throw new ResourceFailure(outcome.invalid, fallbackId);
    const { response } = outcome;
    if (response.RequestId !== requestId || response.LogicalResourceId !== request.logicalId || response.StackId !== request.stackId) {
      // The response must echo the request's identifiers (crpg-ref-responses); the failure text is the simulator's.
      throw new ResourceFailure('Invalid response object: RequestId, StackId and LogicalResourceId must be those of the request', fallbackId);
    }
    if (response.Status === 'FAILED') {
      throw new ResourceFailure(`Received response status [FAILED] from custom resource. Message returned: ${response.Reason ?? ''} (RequestId: ${requestId})`,
        response.PhysicalResourceId ?? fallbackId);
    }
    // "PhysicalResourceId: ... Required: Yes" (crpg-ref-responses); an answer without one fails the operation.
    if (!response.PhysicalResourceId && type !== 'Delete') throw new ResourceFailure('Invalid PhysicalResourceId', fallbackId);
    return {
      physicalId: response.PhysicalResourceId ?? String(extra.PhysicalResourceId),
      attributes: { ...(response.Data ?? {}) },
      providerState: { requestId },
    };
  }

  /** Fire and forget, as an asynchronous Lambda invocation: the handler's own completion is not the answer. */
  private invokeAsynchronously(invoker: FunctionInvoker, fn: DeployedFunction, event: unknown, received: Promise<unknown>): void {
    let responded = false;
    void received.then(() => {
      responded = true;
    });
    const attempt = async (retry: number): Promise<void> => {
      try {
        await invoker(fn, event);
      } catch (error) {
        this.dependencies.invocationFailed(fn, error);
        if (retry >= ASYNC_RETRY_DELAYS_MS.length) return;
        await pause(this.runtime.clock, ASYNC_RETRY_DELAYS_MS[retry]);
        if (!responded) await attempt(retry + 1);
      }
    };
    void attempt(0);
  }
}

const CANCELLED = Symbol('cancelled');

function whenAborted(signal: AbortSignal): Promise<typeof CANCELLED> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(CANCELLED);
    else signal.addEventListener('abort', () => resolve(CANCELLED), { once: true });
  });
}

/** ServiceTimeout, in seconds; outside 1–3600 the operation fails (the text is the simulator's). */
function serviceTimeout(properties: Readonly<Record<string, unknown>>): number {
  if (properties.ServiceTimeout === undefined) return DEFAULT_SERVICE_TIMEOUT_SECONDS;
  const value = Number(properties.ServiceTimeout);
  if (!Number.isInteger(value) || value < 1 || value > MAX_SERVICE_TIMEOUT_SECONDS) {
    throw new ResourceFailure(`ServiceTimeout must be an integer from 1 to ${MAX_SERVICE_TIMEOUT_SECONDS}, got ${String(properties.ServiceTimeout)}`);
  }
  return value;
}

/** Every scalar as a string, recursively: how the properties reach the handler. */
export function stringified(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringified);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringified(v)]));
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}
