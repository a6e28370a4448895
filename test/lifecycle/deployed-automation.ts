import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { App, Stack } from 'aws-cdk-lib';
import type { Context, SQSEvent } from 'aws-lambda';
import {
  AwsSimulator, AwsSimulatorOptions, DeployedFunction, OrganizationFixture, OrganizationFixtureOptions, StackOperationResult, buildOrganization,
} from '../../simulator';
import { DynamoDbEndpoint } from '../../simulator/dynamodb/dynalite-endpoint';
import { DynamoDbStateStore } from '../../src/reconciler/adapters/dynamodb-state';
import { ENV, MESSAGE_GROUP } from '../../src/reconciler/contract';
import { RunReport } from '../../src/reconciler/core/report';
import { DEFAULT_RATES } from '../../src/reconciler/runtime-config';

// Lifecycle tests deploy the synthesized stack into the simulator's CloudFormation model, with the
// reconciler function run in-process (its real handler, its deployed environment, and credentials
// of its deployed role, so that the simulator evaluates the synthesized policy) whenever
// CloudFormation invokes it or its queue delivers a message.
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = process.env.POWERTOOLS_METRICS_DISABLED ?? 'true';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../../src/reconciler/reconcile.lambda') as typeof import('../../src/reconciler/reconcile.lambda');

/** Lambda's redelivery of a failed FIFO message waits for the visibility timeout; here, this much real time. */
const REDELIVERY_MS = 100;

/** What CloudFormation sends a custom resource's function. */
export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
}

/** Answers a custom resource request as a handler would (cfn-response). */
export async function answer(event: CustomResourceEvent, status: 'SUCCESS' | 'FAILED', reason: string = status): Promise<void> {
  await fetch(event.ResponseURL, {
    method: 'PUT',
    body: JSON.stringify({
      Status: status,
      Reason: reason,
      PhysicalResourceId: event.PhysicalResourceId ?? event.LogicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    }),
  });
}

export interface DeliveredMessage {
  readonly body: string;
  readonly error?: string;
  /** Simulated epoch ms at which its invocation started and ended. */
  readonly startedAt: number;
  readonly endedAt: number;
}

export class DeployedAutomation {
  static async start(options: {
    organization: OrganizationFixtureOptions;
    speed?: number;
    /** The simulator's Identity Center options, e.g. a delegated administrator. */
    identityCenter?: AwsSimulatorOptions['identityCenter'];
  }): Promise<DeployedAutomation> {
    const speed = options.speed ?? 100;
    const sim = await AwsSimulator.start({ seed: 11, clock: { speed }, identityCenter: options.identityCenter });
    const dynamodb = await DynamoDbEndpoint.start();
    return new DeployedAutomation(sim, dynamodb, buildOrganization(sim, options.organization), speed);
  }

  /** Every queued message handled, in order, with the error its invocation threw. */
  readonly delivered: DeliveredMessage[] = [];
  /** What runs returned or published, latest last. */
  readonly reports: RunReport[] = [];
  /** The ConfigChanged rule delivers (EventBridge's delivery is best effort: a test may lose events). */
  routeConfigEvents = true;
  /** Custom resources of a test's own (by resource type), answered by the test instead of the reconciler. */
  readonly customResources = new Map<string, (event: CustomResourceEvent) => Promise<void>>();
  private serial: Promise<unknown> = Promise.resolve();
  private cursor = 0;
  private seenEvents = 0;

  private constructor(
    readonly sim: AwsSimulator, readonly dynamodb: DynamoDbEndpoint, readonly fixture: OrganizationFixture, readonly speed: number,
  ) {
    sim.cloudFormation.setTableProvider(dynamodb.tableProvider());
    sim.cloudFormation.setFunctionInvoker(async (fn, event) => {
      const type = (event as { ResourceType?: string }).ResourceType;
      const own = type === undefined ? undefined : this.customResources.get(type);
      if (own) await own(event as CustomResourceEvent);
      else await this.invoke(fn, event);
    });
  }

  /** Synthesizes the stack `build` fills and deploys it, delivering queued messages meanwhile. */
  async deploy(build: (stack: Stack) => void, stackName = 'Home', accountId = this.sim.organizations.managementAccountId): Promise<StackOperationResult> {
    const app = new App();
    const stack = new Stack(app, stackName, { env: { account: accountId, region: this.sim.region } });
    build(stack);
    const template = app.synth().getStackByName(stackName).template as object;
    return this.whilePumping(() => this.sim.cloudFormation.deploy(stackName, template, { accountId }));
  }

  async destroy(stackName = 'Home'): Promise<StackOperationResult> {
    return this.whilePumping(() => this.sim.cloudFormation.destroy(stackName));
  }

  /** The deployed reconciler, invoked directly with `{ mode: 'apply' }`, then every message it queued. */
  async apply(): Promise<RunReport> {
    const report = await this.invoke(this.reconciler(), { mode: 'apply' }) as RunReport;
    this.reports.push(report);
    await this.whilePumping(async () => undefined);
    return report;
  }

  /** Resources CloudFormation failed to delete and left behind (retained ones are there by design, and checked by each test). */
  failedDeletes(): unknown[] {
    return this.sim.cloudFormation.orphans().filter((o) => o.reason !== 'retained');
  }

  /** The deployed state table, as the reconciler's store reads it. */
  stateStore(): DynamoDbStateStore {
    const client = new DynamoDBClient({ endpoint: this.dynamodb.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    return new DynamoDbStateStore(client, this.reconciler().environment[ENV.stateTable]);
  }

  reconciler(): DeployedFunction {
    const fn = this.sim.cloudFormation.functions().find((f) => f.environment[ENV.configParameter] !== undefined);
    if (!fn) throw new Error('no reconciler function is deployed');
    return fn;
  }

  /** `group:permissionSet@account` of every live assignment, sorted. */
  live(): string[] {
    const groups = new Map(this.sim.identityStore.groups().map((g) => [g.id, g.displayName]));
    const users = new Map(this.sim.identityStore.users().map((u) => [u.id, u.userName]));
    const ps = new Map(this.sim.identityCenter.permissionSets().map((p) => [p.arn, p.name]));
    const accounts = new Map(this.sim.organizations.accounts().map((a) => [a.id, a.name]));
    return this.sim.identityCenter.assignments()
      .map((a) => `${groups.get(a.principalId) ?? users.get(a.principalId) ?? a.principalId}:${ps.get(a.permissionSetArn) ?? a.permissionSetArn}@${accounts.get(a.accountId) ?? a.accountId}`)
      .sort();
  }

  async stop(): Promise<void> {
    await this.sim.stop();
    await this.dynamodb.stop();
  }

  /**
   * Runs `operation` while the queue is delivered as Lambda's event source mapping would: one
   * message at a time in order (one message group), a failed one delivered again (after
   * REDELIVERY_MS) before any later one, at most three times (then the dead-letter queue).
   * Config parameter changes are routed to the queue, as the ConfigChanged rule does.
   */
  private async whilePumping<T>(operation: () => Promise<T>): Promise<T> {
    let done = false;
    const pump = (async () => {
      for (;;) {
        await this.routeConfigChanges();
        if (this.pending() > 0) {
          await this.deliverNext();
        } else if (done) {
          break;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    })();
    try {
      return await operation();
    } finally {
      done = true;
      await pump;
    }
  }

  private pending(): number {
    const queue = this.queueName();
    return queue === undefined ? 0 : this.sim.sqs.messages(queue).length - this.cursor;
  }

  private async deliverNext(): Promise<void> {
    const message = this.sim.sqs.messages(this.queueName()!)[this.cursor];
    for (let receive = 1; receive <= 3; receive++) {
      const startedAt = this.sim.clock.now();
      try {
        const event: SQSEvent = { Records: [{ messageId: message.messageId, body: message.body, attributes: {}, messageAttributes: {} } as never] };
        await this.invoke(this.reconciler(), event);
        this.delivered.push({ body: message.body, startedAt, endedAt: this.sim.clock.now() });
        break;
      } catch (error) {
        this.delivered.push({ body: message.body, error: (error as Error).message, startedAt, endedAt: this.sim.clock.now() });
        await new Promise((resolve) => setTimeout(resolve, REDELIVERY_MS));
      }
    }
    this.cursor++;
  }

  /** The ConfigChanged rule: an SSM change event of a config parameter becomes a queue message. */
  private async routeConfigChanges(): Promise<void> {
    const events = this.sim.eventBridge.events();
    const fresh = events.slice(this.seenEvents);
    this.seenEvents = events.length;
    const fn = this.sim.cloudFormation.functions().find((f) => f.environment[ENV.configParameter] !== undefined);
    if (!fn) return;
    const head = fn.environment[ENV.configParameter];
    if (!this.routeConfigEvents) return;
    const changed = fresh.filter((e) => e.source === 'aws.ssm' && String((e.detail as { name?: string }).name ?? '').startsWith(head));
    if (changed.length === 0) return;
    const client = new SQSClient(this.sim.clientConfig());
    try {
      for (const e of changed) {
        await client.send(new SendMessageCommand({
          QueueUrl: fn.environment[ENV.queueUrl], MessageBody: JSON.stringify(e), MessageGroupId: MESSAGE_GROUP, MessageDeduplicationId: e.eventId,
        }));
      }
    } finally {
      client.destroy();
    }
  }

  private queueName(): string | undefined {
    const fn = this.sim.cloudFormation.functions().find((f) => f.environment[ENV.configParameter] !== undefined);
    return fn?.environment[ENV.queueUrl]?.split('/').pop();
  }

  /** One invocation at a time (they share process.env), as the function's one message group would have it. */
  private invoke(fn: DeployedFunction, event: unknown): Promise<unknown> {
    const run = this.serial.then(() => this.invokeNow(fn, event));
    this.serial = run.catch(() => undefined);
    return run;
  }

  private async invokeNow(fn: DeployedFunction, event: unknown): Promise<unknown> {
    const saved = { ...process.env };
    const credentials = this.sim.iam.credentialsFor(fn.roleArn);
    const rate = (name: string, fallback: number) => String(Number(fn.environment[name] ?? fallback) * this.speed);
    Object.assign(process.env, this.sim.env(), this.dynamodb.env(), fn.environment, {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      [ENV.maxRequestsPerSecond]: rate(ENV.maxRequestsPerSecond, DEFAULT_RATES.identityCenter),
      [ENV.organizationsMaxRequestsPerSecond]: rate(ENV.organizationsMaxRequestsPerSecond, DEFAULT_RATES.organizations),
      [ENV.identityStoreMaxRequestsPerSecond]: rate(ENV.identityStoreMaxRequestsPerSecond, DEFAULT_RATES.identityStore),
      [ENV.ssmMaxWritesPerSecond]: rate(ENV.ssmMaxWritesPerSecond, DEFAULT_RATES.ssmWrites),
    });
    const deadline = Date.now() + (fn.timeoutSeconds * 1000) / this.speed;
    const context = {
      awsRequestId: `req-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
      getRemainingTimeInMillis: () => (deadline - Date.now()) * this.speed,
    } as unknown as Context;
    try {
      const result = await handler(event as SQSEvent, context);
      if (result && typeof result === 'object' && 'outcome' in result) this.reports.push(result as RunReport);
      return result;
    } finally {
      process.env = saved;
    }
  }
}
