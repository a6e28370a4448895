// The reconciler Lambda's handling of CloudFormation's lifecycle custom resources: a check is
// answered in the invocation CloudFormation makes; a drain goes through the queue and is answered
// by the queued invocation that carries it out under the run lease (core/lifecycle.ts says why).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { ApiCallCounter, instrument } from './adapters/api-calls';
import { awsAdapters } from './adapters/aws-adapters';
import { answerCloudFormation } from './adapters/cloudformation-response';
import { DynamoDbStateStore } from './adapters/dynamodb-state';
import { queueCustomResourceRequest, queueTrigger } from './adapters/notifications';
import { LIFECYCLE } from './contract';
import { Carried, CustomResourceAnswer, CustomResourceRequest, carryOut, receive, refusedPhysicalId } from './core/lifecycle';
import { ReconcileLog } from './core/reconcile';
import { RuntimeConfig } from './runtime-config';

/** A drain that keeps running out of time is queued again at most this often. */
const MAX_ATTEMPTS = 50;
/** A request that keeps failing on a fault is answered after this many attempts. */
const MAX_FAULTS = 3;

export interface LifecycleContext {
  readonly settings: RuntimeConfig;
  readonly runId: string;
  readonly counter: ApiCallCounter;
  readonly log: ReconcileLog;
  readonly remainingMs: () => number;
}

/** A custom resource request as CloudFormation sent it: answered now, or queued. */
export async function receiveCustomResource(request: CustomResourceRequest, c: LifecycleContext): Promise<void> {
  c.log.info('custom resource request', { requestType: request.RequestType, resourceType: request.ResourceType, logicalId: request.LogicalResourceId });
  const wiring = wire(c);
  try {
    const reception = await receive(request, {
      lifecycle: wiring.store,
      guards: c.settings.guards,
      identityCenter: wiring.identityCenter,
      readConcurrency: c.settings.readConcurrency,
    });
    if ('answer' in reception) {
      await answerCloudFormation(request, reception.answer);
      return;
    }
    await queueCustomResourceRequest(wiring.sqs, requiredQueue(c.settings), request, 0);
  } catch (error) {
    // Whatever went wrong, CloudFormation must hear of it rather than wait for the timeout. A failed
    // create gets the id whose Delete is recognized as nothing to do.
    await answerCloudFormation(request, {
      status: 'FAILED',
      physicalResourceId: request.RequestType === 'Create' ? refusedPhysicalId(request) : request.PhysicalResourceId ?? request.LogicalResourceId,
      reason: `the reconciler could not handle the request: ${(error as Error).message}`,
    });
  }
}

/** A queued record that carries a custom resource request, or undefined. */
export function queuedRequest(record: SQSRecord): { request: CustomResourceRequest; attempt: number } | undefined {
  try {
    const body = JSON.parse(record.body) as { customResource?: CustomResourceRequest; attempt?: number };
    return body.customResource ? { request: body.customResource, attempt: body.attempt ?? 0 } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Carries out a queued request and answers it; an unfinished one is queued again. Throws when
 * another run holds the lease, so that the queue delivers the request again later.
 */
export async function carryOutQueued(queued: { request: CustomResourceRequest; attempt: number }, c: LifecycleContext): Promise<void> {
  const { request, attempt } = queued;
  const wiring = wire(c);
  const queueUrl = requiredQueue(c.settings);
  if (request.ResourceType === LIFECYCLE.catalogType && attempt === 0) {
    // A run of the new config goes first (the queue's one message group keeps the order), so that a
    // renamed permission set is assigned before the old one is drained, even when the parameter's
    // change event (best effort) was late or lost.
    await queueTrigger(wiring.sqs, queueUrl, `${request.RequestId}-before-drain`);
    await queueCustomResourceRequest(wiring.sqs, queueUrl, request, 1);
    return;
  }
  const stopMs = c.settings.stopMarginSeconds * 1000;
  let carried: Carried;
  try {
    carried = await carryOutWithin(request, wiring, c, stopMs);
  } catch (error) {
    // A fault (DynamoDB, the network): tried again from the queue a few times, then answered.
    if (attempt < MAX_FAULTS) {
      c.log.warn('a lifecycle request failed; queued again', { error: (error as Error).message, attempt });
      await queueCustomResourceRequest(wiring.sqs, queueUrl, request, attempt + 1);
      return;
    }
    carried = { answer: faultAnswer(request, error) };
  }
  if ('busy' in carried) throw new Error('busy: another run holds the lease; the request is delivered again');
  if ('unfinished' in carried) {
    if (attempt + 1 < MAX_ATTEMPTS) {
      await queueCustomResourceRequest(wiring.sqs, queueUrl, request, attempt + 1);
      return;
    }
    await answerCloudFormation(request, {
      status: request.ResourceType === LIFECYCLE.automationType ? 'SUCCESS' : 'FAILED',
      physicalResourceId: request.PhysicalResourceId ?? request.LogicalResourceId,
      reason: `the drain ran out of time ${MAX_ATTEMPTS} times; what is left stays`,
    });
    return;
  }
  await answerCloudFormation(request, carried.answer);
}

/** An uninstall is answered SUCCESS whatever happened (CloudFormation deletes the function anyway); anything else FAILED. */
function faultAnswer(request: CustomResourceRequest, error: unknown): CustomResourceAnswer {
  const reason = `the reconciler could not carry the request out: ${(error as Error).message}`;
  const physicalResourceId = request.PhysicalResourceId ?? request.LogicalResourceId;
  return request.ResourceType === LIFECYCLE.automationType
    ? { status: 'SUCCESS', physicalResourceId, reason: `${reason}; what was not deleted stays, unmanaged` }
    : { status: 'FAILED', physicalResourceId, reason: `${reason}. The reconciler carries on with the retirement on every run` };
}

function carryOutWithin(request: CustomResourceRequest, wiring: ReturnType<typeof wire>, c: LifecycleContext, stopMs: number): Promise<Carried> {
  return carryOut(request, {
    runId: c.runId,
    organizations: wiring.organizations,
    state: wiring.store,
    lifecycle: wiring.store,
    lease: wiring.store,
    leaseTtlMs: c.remainingMs() + 60_000,
    identityCenter: wiring.identityCenter,
    drain: {
      clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
      limits: { maxOutstanding: c.settings.maxOutstanding, readConcurrency: c.settings.readConcurrency },
      time: {
        shouldStop: () => c.remainingMs() < stopMs,
        drainDeadline: () => Date.now() + c.remainingMs() - Math.min(10_000, stopMs / 2),
      },
    },
    log: c.log,
  });
}

function wire(c: LifecycleContext) {
  const aws = awsAdapters({
    counter: c.counter,
    rates: {
      identityCenter: c.settings.maxRequestsPerSecond,
      organizations: c.settings.organizationsMaxRequestsPerSecond,
      identityStore: c.settings.identityStoreMaxRequestsPerSecond,
      ssmWrites: c.settings.ssmMaxWritesPerSecond,
    },
  });
  const store = new DynamoDbStateStore(instrument(new DynamoDBClient({ maxAttempts: 8 }), 'dynamodb', c.counter), c.settings.stateTable);
  return { store, identityCenter: aws.identityCenter, organizations: aws.organizations, sqs: instrument(new SQSClient({}), 'sqs', c.counter) };
}

function requiredQueue(settings: RuntimeConfig): string {
  if (!settings.queueUrl) throw new Error('the reconciler has no queue (QUEUE_URL) to hand the request to');
  return settings.queueUrl;
}
