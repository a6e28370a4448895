import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS } from '../reconciler/contract';

/** What the dashboard shows: the reconciler's metrics (by the automation's service name), its function, queues and alarms. */
export interface DashboardParts {
  /** The service dimension of the reconciler's metrics: the automation's bus name. */
  readonly serviceName: string;
  readonly fn: lambda.IFunction;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly alarms: cloudwatch.IAlarm[];
}

const PERIOD = Duration.minutes(5);
const WIDTH = 8;
const HEIGHT = 6;

/**
 * One dashboard per automation: runs, changes, refusals and failures, API calls, duration, and the
 * queue in front of the reconciler. The reconciler publishes its metrics once per applying run
 * (src/reconciler/reconcile.lambda.ts, `recordMetrics`), so a run is a sample of `RunDuration`.
 */
export function createDashboard(scope: Construct, id: string, parts: DashboardParts): cloudwatch.Dashboard {
  const metric = (metricName: string, label: string, statistic = 'Sum') => new cloudwatch.Metric({
    namespace: METRICS.namespace,
    metricName,
    dimensionsMap: { [METRICS.serviceDimension]: parts.serviceName },
    period: PERIOD,
    statistic,
    label,
  });
  const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) => new cloudwatch.GraphWidget({
    title, left, right, width: WIDTH, height: HEIGHT, period: PERIOD,
  });

  const dashboard = new cloudwatch.Dashboard(scope, id, { defaultInterval: Duration.days(7) });
  dashboard.addWidgets(
    new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: parts.alarms, width: 24, height: 3 }),
  );
  dashboard.addWidgets(
    graph('Runs', [
      metric(METRICS.duration, 'runs', 'SampleCount'),
      parts.fn.metricInvocations({ period: PERIOD, label: 'invocations' }),
      parts.fn.metricErrors({ period: PERIOD, label: 'failed invocations' }),
    ]),
    graph('Changes', [
      metric(METRICS.created, 'assignments created'),
      metric(METRICS.deleted, 'assignments deleted'),
      metric(METRICS.reprovisioned, 'permission sets re-provisioned'),
    ], [
      metric(METRICS.drift, 'accounts behind their permission set (drift)', 'Maximum'),
    ]),
    graph('Refusals and failures', [
      metric(METRICS.deletionsRefused, 'deletions refused'),
      metric(METRICS.failed, 'assignments failed'),
      metric(METRICS.resolutionErrors, 'errors reported'),
      metric(METRICS.configInvalid, 'config unreadable'),
    ]),
  );
  dashboard.addWidgets(
    graph('API calls by operation', [new cloudwatch.MathExpression({
      // One series per Operation, whichever the reconciler called (the set changes with the rules).
      expression: `SEARCH('{${METRICS.namespace},${METRICS.operationDimension},${METRICS.serviceDimension}} `
        + `MetricName="${METRICS.apiCalls}" ${METRICS.serviceDimension}="${parts.serviceName}"', 'Sum', ${PERIOD.toSeconds()})`,
      label: '',
      period: PERIOD,
    })]),
    graph('Duration', [
      metric(METRICS.duration, 'run (average)', 'Average'),
      metric(METRICS.duration, 'run (maximum)', 'Maximum'),
    ], [
      parts.fn.metricDuration({ period: PERIOD, statistic: 'Maximum', label: 'invocation (maximum)' }),
    ]),
    graph('Queue', [
      parts.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: 'waiting runs' }),
      parts.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: 'dead-letter queue' }),
    ], [
      parts.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum', label: 'oldest waiting (seconds)' }),
    ]),
  );
  return dashboard;
}
