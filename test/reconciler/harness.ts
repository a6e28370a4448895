import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Stack } from 'aws-cdk-lib';
import type { Context, SQSEvent } from 'aws-lambda';
import { simulatedLambdaEnvironment } from '../../bench/lambda-process';
import {
  AwsSimulator, AwsSimulatorOptions, OrganizationFixture, OrganizationFixtureOptions, PolicyStatement, RoleRecord, buildOrganization,
} from '../../simulator';
import { DynamoDbEndpoint } from '../../simulator/dynamodb/dynalite-endpoint';
import { planConfigStorage } from '../../src/private/config-storage';
import { DynamoDbStateStore } from '../../src/reconciler/adapters/dynamodb-state';
import { CONFIG_VERSION, ConfigDocument, OptionsDocument, RuleDocument } from '../../src/reconciler/config/document';
import { DEFAULT_BUS_NAME, DEFAULT_GUARDS, ENV, STATE_TABLE_KEY, parameterNames } from '../../src/reconciler/contract';
import { ReconcilerState } from '../../src/reconciler/core/memory';
import { RunReport } from '../../src/reconciler/core/report';

// Handler-level tests run the real composition root (SDK clients, adapters, core) against the
// simulator. Logs and metrics are silenced unless a test captures them.
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = process.env.POWERTOOLS_METRICS_DISABLED ?? 'true';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { handler } = require('../../src/reconciler/reconcile.lambda') as typeof import('../../src/reconciler/reconcile.lambda');

export const BUS = DEFAULT_BUS_NAME;
export const HEAD = parameterNames(BUS).head;
export const STATE_TABLE = 'identity-center-assignments-state';

export interface HarnessOptions {
  readonly organization: OrganizationFixtureOptions;
  readonly simulator?: AwsSimulatorOptions;
  /** Simulated ms per real ms; the reconciler's own rate limit is scaled by the same factor. @default 25 */
  readonly speed?: number;
}

/**
 * A simulator with an organization, a config parameter, a FIFO queue, a state table (dynalite) and
 * the handler wired to them.
 */
export class Harness {
  static async start(options: HarnessOptions): Promise<Harness> {
    const speed = options.speed ?? 25;
    const sim = await AwsSimulator.start({ seed: 7, ...options.simulator, clock: { speed, ...options.simulator?.clock } });
    const dynamodb = await DynamoDbEndpoint.start();
    await dynamodb.createTable(STATE_TABLE, STATE_TABLE_KEY);
    return new Harness(sim, buildOrganization(sim, options.organization), speed, dynamodb);
  }

  readonly queueUrl: string;
  /** The guard settings of the function's configuration. */
  guards: { maxDeletionsPerRun: number; dryRun: boolean } = { ...DEFAULT_GUARDS };
  /** The reconciler's credentials when it runs as a role of its own (`actAs`); the simulator's administrator otherwise. */
  private credentials?: Record<string, string>;

  private constructor(
    readonly sim: AwsSimulator, readonly fixture: OrganizationFixture, readonly speed: number, readonly dynamodb: DynamoDbEndpoint,
  ) {
    this.queueUrl = sim.sqs.createQueue('reconcile.fifo', { contentBasedDeduplication: true }).url;
    sim.eventBridge.createEventBus(BUS);
    // As AssignmentAutomation deploys it, for the operator commands.
    sim.ssm.put(parameterNames(BUS).stateTable, STATE_TABLE, { tier: 'Standard' });
  }

  permissionSetArn(name: string): string {
    const ps = this.fixture.permissionSets.find((p) => p.name === name);
    if (!ps) throw new Error(`no permission set ${name}`);
    return ps.arn;
  }

  /** Stores the document the way AssignmentAutomation does: a head and, when needed, parts. */
  putConfig(rules: RuleDocument[], options: Partial<OptionsDocument> = {}, permissionSetsByName: string[] = [], bus = BUS): ConfigDocument {
    const names = [...new Set([...rules.map((r) => r.permissionSet)])].sort();
    const doc: ConfigDocument = {
      version: CONFIG_VERSION,
      instanceArn: this.fixture.instanceArn,
      identityStoreId: this.fixture.identityStoreId,
      options,
      permissionSets: names.map((name) => (permissionSetsByName.includes(name) ? { name } : { name, arn: this.permissionSetArn(name) })),
      rules,
    };
    // Stored exactly as AssignmentAutomation lays it out (tokens aside, the same code path).
    const storage = planConfigStorage(new Stack(), doc, bus);
    const tier = storage.fitsStandard ? 'Standard' : 'Advanced';
    storage.parts.forEach((part, i) => this.sim.ssm.put(storage.head.parts[i], JSON.stringify(part), { tier }));
    this.sim.ssm.put(parameterNames(bus).head, JSON.stringify(storage.head), { tier });
    return doc;
  }

  /**
   * A second automation on the same instance, in the same account and region (its own bus, config
   * parameter and state table): the environment its function would have.
   */
  async neighbour(bus: string): Promise<Record<string, string>> {
    this.sim.eventBridge.createEventBus(bus);
    await this.dynamodb.createTable(`${bus}-state`, STATE_TABLE_KEY);
    return { [ENV.configParameter]: parameterNames(bus).head, [ENV.stateTable]: `${bus}-state`, [ENV.eventBusName]: bus, [ENV.serviceName]: bus };
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    const lambda = simulatedLambdaEnvironment(this.sim, {
      busName: BUS, queueUrl: this.queueUrl, configParameter: HEAD, state: { table: STATE_TABLE, endpoint: this.dynamodb }, guards: this.guards,
    });
    return { ...lambda, ...this.credentials, ...extra };
  }

  /**
   * From now on the reconciler calls with a role that has exactly `policy` (the simulator evaluates
   * it for Identity Center calls, and for Identity Center's own IAM work in the management account).
   * The role lives where the automation does: the management account, or the delegated administrator.
   */
  actAs(policy: PolicyStatement[], name = 'AssignmentsServiceRole'): RoleRecord {
    const accountId = this.sim.delegatedAdministratorAccountId ?? this.sim.organizations.managementAccountId;
    const role = this.sim.iam.role(`arn:aws:iam::${accountId}:role/${name}`) ?? this.sim.iam.createRole({ accountId, name, policy });
    this.sim.iam.putRolePolicy(role.arn, policy);
    const issued = this.sim.iam.credentialsFor(role.arn);
    this.credentials = {
      AWS_ACCESS_KEY_ID: issued.accessKeyId, AWS_SECRET_ACCESS_KEY: issued.secretAccessKey, AWS_SESSION_TOKEN: issued.sessionToken,
    };
    return role;
  }

  /** Invokes the handler. `remainingMs` is simulated Lambda time left (scaled to real time). */
  async invoke(event: SQSEvent | { mode: 'plan' | 'apply' } = { mode: 'apply' }, options: { remainingMs?: number; env?: Record<string, string> } = {}): Promise<RunReport | void> {
    const saved = { ...process.env };
    Object.assign(process.env, this.env(options.env));
    const deadline = Date.now() + (options.remainingMs ?? 15 * 60_000) / this.speed;
    const context = { awsRequestId: `req-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, getRemainingTimeInMillis: () => (deadline - Date.now()) * this.speed } as unknown as Context;
    try {
      return await handler(event as SQSEvent, context);
    } finally {
      process.env = saved;
    }
  }

  apply(options: { remainingMs?: number; env?: Record<string, string> } = {}): Promise<RunReport> {
    return this.invoke({ mode: 'apply' }, options) as Promise<RunReport>;
  }

  /** Assignments of the principals and permission sets named, as `group:ps@account` strings. */
  live(filter: (a: { principalId: string; permissionSetArn: string; accountId: string }) => boolean = () => true): string[] {
    const groups = new Map(this.fixture.groups.map((g) => [g.id, g.displayName]));
    const users = new Map(this.fixture.users.map((u) => [u.id, u.userName]));
    const ps = new Map(this.fixture.permissionSets.map((p) => [p.arn, p.name]));
    const accounts = new Map(this.sim.organizations.accounts().map((a) => [a.id, a.name]));
    return this.sim.identityCenter.assignments().filter(filter)
      .map((a) => `${groups.get(a.principalId) ?? users.get(a.principalId) ?? a.principalId}:${ps.get(a.permissionSetArn) ?? a.permissionSetArn}@${accounts.get(a.accountId) ?? a.accountId}`)
      .sort();
  }

  /** What the reconciler remembers, read from its state table. */
  async storedState(): Promise<ReconcilerState> {
    const client = new DynamoDBClient({ endpoint: this.dynamodb.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      const stored = await new DynamoDbStateStore(client, STATE_TABLE).read();
      if (!('state' in stored)) throw new Error('the state table holds no state');
      return stored.state;
    } finally {
      client.destroy();
    }
  }

  async stop(): Promise<void> {
    await this.sim.stop();
    await this.dynamodb.stop();
  }
}

/** API calls by operation per scenario, written to test-reports/ for the issue notes. */
export function recordApiCalls(scenario: string, calls: Record<string, number>): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('fs') as typeof import('fs');
  const file = 'test-reports/reconciler-api-calls.json';
  fs.mkdirSync('test-reports', { recursive: true });
  const all = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  all[scenario] = calls;
  fs.writeFileSync(file, JSON.stringify(all, null, 2));
}
