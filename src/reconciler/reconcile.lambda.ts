// The reconciler Lambda: the composition root. It reads the environment, builds the SDK clients
// and adapters, runs the pure core once, and reports. Everything else lives in core/ and adapters/.
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { ApiCallCounter, instrument } from './adapters/api-calls';
import { publishEvents, publishSns, postTeams, sendContinuation } from './adapters/notifications';
import { composeReconciler } from './compose';
import { DEFAULT_BUS_NAME, ENV, METRICS } from './contract';
import { CustomResourceRequest, isCustomResourceRequest } from './core/lifecycle';
import { summaryText, worthNotifying } from './core/notification-content';
import { reconcile } from './core/reconcile';
import { RunReport } from './core/report';
import { triggerFacts } from './core/trigger-facts';
import { LifecycleContext, carryOutQueued, queuedRequest, receiveCustomResource } from './lifecycle-handler';
import { RuntimeConfig, readRuntimeConfig } from './runtime-config';

/** A run that keeps stopping for time gives up after this many continuations and says so. */
const MAX_CONTINUATIONS = 100;
/** Outcomes after which a queued run's message is not consumed: it is retried. */
const RETRIED_OUTCOMES = new Set<RunReport['outcome']>(['failed', 'invalid-config', 'busy']);

// The construct sets the service name to the automation's bus name, so that two automations in one
// account and region publish metrics (and trip alarms) apart.
const serviceName = process.env[ENV.serviceName] || DEFAULT_BUS_NAME;
const logger = new Logger({ serviceName });
const metrics = new Metrics({ namespace: process.env[ENV.metricsNamespace] || METRICS.namespace, serviceName });

/** `{ "mode": "plan" }` returns the plan without writing; `{ "mode": "apply" }` runs and returns the outcome. */
export interface DirectInvocation {
  readonly mode: 'plan' | 'apply';
}

export async function handler(event: SQSEvent | DirectInvocation | CustomResourceRequest, context: Context): Promise<RunReport | void> {
  const settings = readRuntimeConfig(process.env);
  const runId = context.awsRequestId;
  const counter = new ApiCallCounter();
  const lifecycle: LifecycleContext = {
    settings,
    runId,
    counter,
    log: { info: (m, d) => logger.info(m, d ?? {}), warn: (m, d) => logger.warn(m, d ?? {}) },
    remainingMs: () => context.getRemainingTimeInMillis(),
  };
  // CloudFormation's lifecycle requests: checked at once, or queued to be drained under the lease.
  if (isCustomResourceRequest(event)) return receiveCustomResource(event, lifecycle);
  let trigger: SQSEvent | DirectInvocation = event;
  if (!isDirect(trigger)) {
    const queued = trigger.Records.map((record) => ({ record, request: queuedRequest(record) }));
    for (const { request } of queued) if (request) await carryOutQueued(request, lifecycle);
    const triggers = queued.filter((q) => !q.request).map((q) => q.record);
    if (triggers.length === 0) return;
    trigger = { Records: triggers };
  }

  const direct = isDirect(trigger);
  const mode = isDirect(trigger) ? trigger.mode : 'apply';
  const sequence = isDirect(trigger) ? 0 : continuationSequence(trigger);
  logger.appendKeys({ runId, mode });
  logger.info('reconcile started', { trigger: isDirect(trigger) ? 'direct' : `${trigger.Records.length} queued event(s)`, continuation: sequence });

  const stopAt = () => context.getRemainingTimeInMillis() < settings.stopMarginSeconds * 1000;
  const report = await reconcile(composeReconciler({
    runId,
    configParameter: settings.configParameter,
    stateTable: settings.stateTable,
    statePrefix: settings.statePrefix,
    guards: settings.guards,
    automation: settings.eventBusName,
    // A crashed run's lease expires after its Lambda's lifetime.
    leaseTtlMs: context.getRemainingTimeInMillis() + 60_000,
    counter,
    rates: {
      identityCenter: settings.maxRequestsPerSecond,
      organizations: settings.organizationsMaxRequestsPerSecond,
      identityStore: settings.identityStoreMaxRequestsPerSecond,
      ssmWrites: settings.ssmMaxWritesPerSecond,
    },
    assignmentReaderRoleArn: settings.assignmentReaderRoleArn,
    log: { info: (m, d) => logger.info(m, d ?? {}), warn: (m, d) => logger.warn(m, d ?? {}) },
    limits: { maxOutstanding: settings.maxOutstanding, readConcurrency: settings.readConcurrency },
    trigger: isDirect(trigger) ? undefined : triggerFacts(trigger.Records.map((r) => r.body)),
    time: {
      shouldStop: stopAt,
      // In-flight operations are waited for until 10 s before the deadline at most.
      drainDeadline: () => Date.now() + context.getRemainingTimeInMillis() - Math.min(10_000, settings.stopMarginSeconds * 500),
    },
  }), mode);
  report.apiCalls = counter.snapshot();

  if (report.continuation && settings.queueUrl) {
    if (sequence < MAX_CONTINUATIONS) {
      // A lost continuation only delays the rest to the next trigger; the run's report must still go out.
      await sendContinuation(instrument(new SQSClient({}), 'sqs', counter), settings.queueUrl, runId, sequence + 1)
        .catch((e) => report.errors.push(`the continuation could not be queued (${(e as Error).name}); the next trigger resumes`));
    } else {
      report.errors.push(`the run stopped for time ${MAX_CONTINUATIONS} times in a row; no further continuation is queued, the next scheduled run resumes`);
    }
  }
  logger.info('reconcile finished', { outcome: report.outcome, counts: report.counts, refusals: report.refusals, errors: report.errors, apiCalls: report.apiCalls });
  if (mode === 'apply') {
    recordMetrics(report);
    await notify(settings, report, counter);
  }
  // A queued run that could not do its work fails, so that the queue retries it (after the
  // visibility timeout) and the errors alarm (eventually the dead-letter queue's) fires: an
  // unreadable organization, a document the running code cannot read (never consumed silently),
  // or another run holding the lease.
  if (!direct && RETRIED_OUTCOMES.has(report.outcome)) throw new Error(`${report.outcome}: ${report.errors.join('; ')}`);
  return direct ? report : undefined;
}

function isDirect(event: SQSEvent | DirectInvocation | CustomResourceRequest): event is DirectInvocation {
  return (event as DirectInvocation).mode === 'plan' || (event as DirectInvocation).mode === 'apply';
}

/** The batch's highest continuation sequence; any other event starts from zero. */
function continuationSequence(event: SQSEvent): number {
  let sequence = 0;
  for (const record of event.Records ?? []) {
    try {
      const body = JSON.parse(record.body) as { continuation?: { sequence?: number } };
      sequence = Math.max(sequence, body.continuation?.sequence ?? 0);
    } catch {
      // Not JSON: an ordinary trigger.
    }
  }
  return sequence;
}

function recordMetrics(report: RunReport): void {
  const c = report.counts;
  metrics.addMetric(METRICS.created, MetricUnit.Count, c.created);
  metrics.addMetric(METRICS.deleted, MetricUnit.Count, c.deleted);
  metrics.addMetric(METRICS.failed, MetricUnit.Count, c.failed);
  metrics.addMetric(METRICS.deletionsRefused, MetricUnit.Count, c.deletionsRefused);
  metrics.addMetric(METRICS.drift, MetricUnit.Count, c.provisions);
  metrics.addMetric(METRICS.reprovisioned, MetricUnit.Count, c.provisioned);
  metrics.addMetric(METRICS.resolutionErrors, MetricUnit.Count, report.errors.length);
  metrics.addMetric(METRICS.configInvalid, MetricUnit.Count, ['invalid-config', 'no-config'].includes(report.outcome) ? 1 : 0);
  metrics.addMetric(METRICS.duration, MetricUnit.Milliseconds, report.durationMs);
  metrics.publishStoredMetrics();
  for (const [operation, count] of Object.entries(report.apiCalls ?? {})) {
    const single = metrics.singleMetric();
    single.addDimension(METRICS.operationDimension, operation);
    single.addMetric(METRICS.apiCalls, MetricUnit.Count, count);
  }
}

/** Each channel on its own: a failing notification is logged and never fails the reconcile. */
async function notify(settings: RuntimeConfig, report: RunReport, counter: ApiCallCounter): Promise<void> {
  const attempts: Array<[string, () => Promise<void>]> = [];
  if (settings.eventBusName) {
    attempts.push(['event bus', () => publishEvents(instrument(new EventBridgeClient({}), 'events', counter), settings.eventBusName!, report)]);
  }
  if (worthNotifying(report)) {
    if (settings.notificationTopicArn) attempts.push(['sns', () => publishSns(instrument(new SNSClient({}), 'sns', counter), settings.notificationTopicArn!, report)]);
    if (settings.teamsWebhookSecretArn) {
      attempts.push(['teams', () => postTeams(instrument(new SecretsManagerClient({}), 'secretsmanager', counter), settings.teamsWebhookSecretArn!, report)]);
    }
  }
  for (const [channel, send] of attempts) {
    try {
      await send();
    } catch (e) {
      logger.warn('notification failed', { channel, error: (e as Error).message });
    }
  }
  if (attempts.length === 0) logger.info(summaryText(report, 10));
}
