import { spawn } from 'child_process';
import * as path from 'path';
import type { AwsSimulator, DeployedFunction, FunctionInvoker } from '../simulator';
import type { DynamoDbEndpoint } from '../simulator/dynamodb/dynalite-endpoint';
import { DEFAULT_GUARDS, ENV, EVENTS, parameterNames } from '../src/reconciler/contract';
import type { RunReport } from '../src/reconciler/core/report';
import { DEFAULT_RATES } from '../src/reconciler/runtime-config';

/**
 * The reconciler's environment against the simulator: its endpoint and credentials, the
 * automation's names, and the default client-side rates multiplied by the simulator's clock speed,
 * so that the reconciler runs the same run, only faster (its rate limits run in real time).
 */
export function simulatedLambdaEnvironment(
  sim: AwsSimulator,
  options: {
    busName: string;
    queueUrl: string;
    configParameter?: string;
    statePrefix?: string;
    /** The state table and the DynamoDB endpoint that holds it (dynalite). */
    state: { table: string; endpoint: DynamoDbEndpoint };
    guards?: { maxDeletionsPerRun?: number; dryRun?: boolean };
  },
): Record<string, string> {
  const speed = sim.clock.speed;
  return {
    ...sim.env(),
    ...options.state.endpoint.env(),
    [ENV.stateTable]: options.state.table,
    [ENV.maxDeletionsPerRun]: String(options.guards?.maxDeletionsPerRun ?? DEFAULT_GUARDS.maxDeletionsPerRun),
    [ENV.dryRun]: String(options.guards?.dryRun ?? DEFAULT_GUARDS.dryRun),
    [ENV.configParameter]: options.configParameter ?? parameterNames(options.busName).head,
    [ENV.statePrefix]: options.statePrefix ?? parameterNames(options.busName).statePrefix,
    [ENV.eventBusName]: options.busName,
    [ENV.queueUrl]: options.queueUrl,
    [ENV.maxRequestsPerSecond]: String(DEFAULT_RATES.identityCenter * speed),
    [ENV.organizationsMaxRequestsPerSecond]: String(DEFAULT_RATES.organizations * speed),
    [ENV.identityStoreMaxRequestsPerSecond]: String(DEFAULT_RATES.identityStore * speed),
    [ENV.ssmMaxWritesPerSecond]: String(DEFAULT_RATES.ssmWrites * speed),
  };
}

/**
 * The environment of a function `sim.cloudFormation` deployed (the names it was given in the
 * template), pointed at the simulator and dynalite, with the same clock-speed rate scaling.
 */
export function deployedLambdaEnvironment(sim: AwsSimulator, fn: DeployedFunction, dynamodb: DynamoDbEndpoint): Record<string, string> {
  const speed = sim.clock.speed;
  const rate = (name: string, fallback: number) => String(Number(fn.environment[name] ?? fallback) * speed);
  return {
    ...sim.env(),
    ...dynamodb.env(),
    ...fn.environment,
    [ENV.maxRequestsPerSecond]: rate(ENV.maxRequestsPerSecond, DEFAULT_RATES.identityCenter),
    [ENV.organizationsMaxRequestsPerSecond]: rate(ENV.organizationsMaxRequestsPerSecond, DEFAULT_RATES.organizations),
    [ENV.identityStoreMaxRequestsPerSecond]: rate(ENV.identityStoreMaxRequestsPerSecond, DEFAULT_RATES.identityStore),
    [ENV.ssmMaxWritesPerSecond]: rate(ENV.ssmMaxWritesPerSecond, DEFAULT_RATES.ssmWrites),
  };
}

export interface Invocation {
  readonly report: RunReport;
  readonly maxRssMb: number;
  readonly realMs: number;
}

/** Runs the bundled handler in a child process (a cold Lambda), on the simulator's clock; returns what it returned. */
export async function runBundled(
  env: Record<string, string>, event: unknown, timeoutMs: number, speed: number,
): Promise<{ result: unknown; maxRssMb: number }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'lambda-runtime.js'), JSON.stringify({ event, timeoutMs, speed })], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.on('exit', () => resolve());
    child.on('error', reject);
  });
  const line = output.split('\n').reverse().find((l) => l.startsWith('@@result '));
  if (!line) throw new Error(`the reconciler process printed no result:\n${output.slice(-2000)}`);
  const { result, error, maxRssMb } = JSON.parse(line.slice('@@result '.length)) as { result?: unknown; error?: string; maxRssMb: number };
  if (error) throw new Error(`the reconciler failed: ${error}`);
  return { result, maxRssMb };
}

/** Runs the bundled handler in a child process (a cold Lambda), on the simulator's clock; returns the run's report. */
export async function invokeBundled(sim: AwsSimulator, env: Record<string, string>, event: unknown, timeoutMs: number): Promise<Invocation> {
  const started = Date.now();
  const eventsBefore = sim.eventBridge.events().length;
  const { result, maxRssMb } = await runBundled(env, event, timeoutMs, sim.clock.speed);
  const summary = sim.eventBridge.events().slice(eventsBefore).find((e) => e.detailType === EVENTS.summaryDetailType);
  const report = (result ?? summary?.detail) as RunReport | undefined;
  if (!report) throw new Error('the reconciler published no run summary');
  return { report, maxRssMb, realMs: Date.now() - started };
}

/**
 * The invoker `sim.cloudFormation` calls for a custom resource: the bundled handler of the function
 * the resource names, in its deployed environment, as a cold Lambda.
 */
export function bundledInvoker(sim: AwsSimulator, dynamodb: DynamoDbEndpoint, timeoutMs: number): FunctionInvoker {
  return async (fn, event) => {
    await runBundled(quietEnvironment(deployedLambdaEnvironment(sim, fn, dynamodb)), event, timeoutMs, sim.clock.speed);
  };
}

/** Logs at ERROR, no metrics, no notice that the SDK will need Node 22 (the function's runtime is 22; this machine's may be 20). */
export function quietEnvironment(env: Record<string, string>): Record<string, string> {
  return { ...env, POWERTOOLS_LOG_LEVEL: 'ERROR', POWERTOOLS_METRICS_DISABLED: 'true', NODE_NO_WARNINGS: '1' };
}

/**
 * One apply, then every continuation it queues, as the FIFO queue would deliver them: returns
 * every invocation's report.
 */
export async function applyUntilSettled(
  sim: AwsSimulator,
  env: Record<string, string>,
  queueName: string,
  timeoutMs: number,
  maxInvocations = 50,
  /** What starts the run: a queued event (SQS records), or a direct apply. */
  first: unknown = { mode: 'apply' },
): Promise<Invocation[]> {
  const invocations = [await invokeBundled(sim, env, first, timeoutMs)];
  while (invocations[invocations.length - 1].report.continuation && invocations.length < maxInvocations) {
    const messages = sim.sqs.messages(queueName);
    const last = messages[messages.length - 1];
    const event = { Records: [{ messageId: last.messageId, body: last.body, attributes: {}, messageAttributes: {} }] };
    invocations.push(await invokeBundled(sim, env, event, timeoutMs));
  }
  return invocations;
}
