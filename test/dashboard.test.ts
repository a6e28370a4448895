import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccountTarget, AssignmentAutomation, AssignmentAutomationProps, PermissionSetRef, Principal } from '../src';
import { DEFAULT_BUS_NAME, METRICS } from '../src/reconciler/contract';

function automation(props: Partial<AssignmentAutomationProps> = {}, stack = new Stack(new App(), 'Home', { env: { account: '111111111111', region: 'eu-west-1' } })) {
  const a = new AssignmentAutomation(stack, props.eventBusName ?? 'Assignments', {
    instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef',
    identityStoreId: 'd-1234567890',
    assignments: [{ principal: Principal.group('Admins'), permissionSet: PermissionSetRef.fromName('AdministratorAccess'), target: AccountTarget.allAccounts() }],
    ...props,
  });
  return { stack, automation: a };
}

interface Widget {
  readonly type: string;
  readonly properties: { title: string; metrics?: unknown[][]; alarms?: string[] };
}

/** The dashboard bodies of the stack, parsed, with every CloudFormation reference rendered as `<logical id>`. */
function dashboards(stack: Stack): { widgets: Widget[] }[] {
  const resources = Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard');
  return Object.values(resources).map((r) => {
    const [, parts] = r.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
    const text = parts.map((p) => {
      if (typeof p === 'string') return p;
      const ref = p as { 'Ref'?: string; 'Fn::GetAtt'?: string[] };
      return `<${ref.Ref ?? ref['Fn::GetAtt']![0]}>`;
    }).join('');
    return JSON.parse(text);
  });
}

function metricsOf(widget: Widget): string[] {
  return (widget.properties.metrics ?? []).map((m) => m.filter((x) => typeof x === 'string').join(' '));
}

describe('AssignmentAutomation dashboard', () => {
  test('by default: one dashboard with the alarms, runs, changes, refusals and failures, API calls, duration and the queues', () => {
    const { stack, automation: a } = automation();
    expect(a.dashboard).toBeDefined();
    const all = dashboards(stack);
    expect(all).toHaveLength(1);
    const byTitle = Object.fromEntries(all[0].widgets.map((w) => [w.properties.title, w]));
    expect(Object.keys(byTitle)).toEqual(['Alarms', 'Runs', 'Changes', 'Refusals and failures', 'API calls by operation', 'Duration', 'Queue']);

    expect(byTitle.Alarms.properties.alarms).toHaveLength(4);
    const reconciler = (name: string) => `${METRICS.namespace} ${name} ${METRICS.serviceDimension} ${DEFAULT_BUS_NAME}`;
    expect(metricsOf(byTitle.Runs)).toEqual([
      reconciler(METRICS.duration),
      expect.stringMatching(/^AWS\/Lambda Invocations FunctionName <AssignmentsFunction/),
      expect.stringMatching(/^AWS\/Lambda Errors FunctionName <AssignmentsFunction/),
    ]);
    expect(byTitle.Runs.properties.metrics![0]).toContainEqual(expect.objectContaining({ stat: 'SampleCount' }));
    expect(metricsOf(byTitle.Changes)).toEqual([METRICS.created, METRICS.deleted, METRICS.reprovisioned, METRICS.drift].map(reconciler));
    expect(metricsOf(byTitle['Refusals and failures']))
      .toEqual([METRICS.deletionsRefused, METRICS.failed, METRICS.resolutionErrors, METRICS.configInvalid].map(reconciler));
    expect(JSON.stringify(byTitle['API calls by operation'].properties.metrics)).toContain(
      `SEARCH('{${METRICS.namespace},${METRICS.operationDimension},${METRICS.serviceDimension}} MetricName=\\"${METRICS.apiCalls}\\" `
      + `${METRICS.serviceDimension}=\\"${DEFAULT_BUS_NAME}\\"', 'Sum', 300)`);
    expect(metricsOf(byTitle.Duration)).toEqual([
      reconciler(METRICS.duration), reconciler(METRICS.duration), expect.stringMatching(/^AWS\/Lambda Duration FunctionName/),
    ]);
    expect(metricsOf(byTitle.Queue)).toEqual([
      expect.stringMatching(/^AWS\/SQS ApproximateNumberOfMessagesVisible QueueName <AssignmentsQueue/),
      expect.stringMatching(/^AWS\/SQS ApproximateNumberOfMessagesVisible QueueName <AssignmentsDeadLetterQueue/),
      expect.stringMatching(/^AWS\/SQS ApproximateAgeOfOldestMessage QueueName <AssignmentsQueue/),
    ]);
  });

  test('every metric the reconciler publishes is on it', () => {
    const { stack } = automation();
    const text = JSON.stringify(dashboards(stack));
    const published = Object.entries(METRICS).filter(([key]) => !['namespace', 'serviceDimension', 'operationDimension'].includes(key));
    for (const [, name] of published) expect({ name, shown: text.includes(`"${name}"`) || text.includes(`\\"${name}\\"`) }).toEqual({ name, shown: true });
  });

  test('two automations in one stack: each dashboard reads its own service', () => {
    const stack = new Stack(new App(), 'Home', { env: { account: '111111111111', region: 'eu-west-1' } });
    automation({ eventBusName: 'team-a' }, stack);
    automation({ eventBusName: 'team-b' }, stack);
    const texts = dashboards(stack).map((d) => JSON.stringify(d));
    expect(texts).toHaveLength(2);
    expect(texts.filter((t) => t.includes('"team-a"') && !t.includes('"team-b"'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('"team-b"') && !t.includes('"team-a"'))).toHaveLength(1);
  });

  test('dashboard: false creates none', () => {
    const { stack, automation: a } = automation({ dashboard: false });
    expect(a.dashboard).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });
});
