// `npx projen bench`: the bundled reconciler, in its own process as in Lambda, against the simulator
// with Identity Center's quotas on. See bench/README.md for what is measured and how.
import * as fs from 'fs';
import * as path from 'path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Stack } from 'aws-cdk-lib';
import { AwsSimulator, OrganizationFixture, buildOrganization } from '../simulator';
import { applyUntilSettled, simulatedLambdaEnvironment } from './lambda-process';
import { writeChart, writeTable } from './output';
import { Scenario, scenarios } from './scenarios';
import { DynamoDbEndpoint } from '../simulator/dynamodb/dynalite-endpoint';
import { planConfigStorage } from '../src/private/config-storage';
import { ApiCallCounter } from '../src/reconciler/adapters/api-calls';
import { awsAdapters } from '../src/reconciler/adapters/aws-adapters';
import { DynamoDbStateStore } from '../src/reconciler/adapters/dynamodb-state';
import { ConfigDocument, CONFIG_VERSION, RuleDocument } from '../src/reconciler/config/document';
import { DEFAULT_BUS_NAME, ENV, STATE_TABLE_KEY } from '../src/reconciler/contract';
import { readPerAccount } from '../src/reconciler/core/current';
import { computeDesired } from '../src/reconciler/core/desired';
import { pairKey } from '../src/reconciler/core/model';
import { OrgIndex } from '../src/reconciler/core/org-index';
import { principalLookupKey } from '../src/reconciler/core/references';
import { OrgAccount, OrgSnapshot, OrgUnit } from '../src/reconciler/core/snapshot';
import { DEFAULT_RATES } from '../src/reconciler/runtime-config';

const BUS = DEFAULT_BUS_NAME;
const QUEUE = 'reconcile.fifo';
/** Lambda's maximum timeout, in simulated ms. */
const LAMBDA_TIMEOUT_MS = 15 * 60_000;
/** Operations Identity Center writes: everything else is a read. */
const WRITES = new Set([
  'sso-admin:CreateAccountAssignment', 'sso-admin:DeleteAccountAssignment', 'sso-admin:ProvisionPermissionSet',
  'ssm:PutParameter', 'ssm:DeleteParameters', 'events:PutEvents', 'sqs:SendMessage', 'sns:Publish',
]);

export interface ScenarioResult {
  readonly name: string;
  readonly accounts: number;
  readonly assignments: number;
  readonly apiCalls: { read: number; write: number; total: number; identityCenterRead: number };
  readonly naiveReadCalls: number;
  readonly wallSeconds: number;
  readonly opsPerSecond: number;
  readonly quotaLimitOpsPerSecond: number;
  readonly peakRssMb: number;
  readonly invocations: number;
  /** The automation ran in a delegated administrator account. */
  readonly delegated: boolean;
  /**
   * The unmeasured run before a steady state, when it had to read every account (a delegated
   * administrator without the reader role, no saved readings yet): what a fresh install costs once.
   */
  readonly firstReading?: { readonly invocations: number; readonly identityCenterRead: number; readonly wallSeconds: number };
  /** From the account-created event to the new account's last assignment SUCCEEDED, in simulated seconds. */
  readonly timeToAccessSeconds?: number;
  /** The new account's assignments, all SUCCEEDED (time-to-access scenarios). */
  readonly newAccountAssignments?: number;
  readonly operations: number;
  readonly realSeconds: number;
  readonly clockSpeed: number;
  readonly callsByOperation: Record<string, number>;
}

async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const sim = await AwsSimulator.start({
    seed: 42,
    clock: { speed: scenario.speed },
    quotas: scenario.quotas,
    identityCenter: scenario.delegated ? { delegatedAdministrator: true } : undefined,
  });
  const dynamodb = await DynamoDbEndpoint.start();
  try {
    const fixture = buildOrganization(sim, { accounts: scenario.accounts, ...scenario.organization, seed: 42 });
    const queueUrl = sim.sqs.createQueue(QUEUE, { contentBasedDeduplication: true }).url;
    sim.eventBridge.createEventBus(BUS);
    const table = await dynamodb.createTable(`${BUS}-state`, STATE_TABLE_KEY);
    const lambda = simulatedLambdaEnvironment(sim, {
      busName: BUS, queueUrl, state: { table, endpoint: dynamodb }, guards: { maxDeletionsPerRun: 100_000 },
    });
    const env: Record<string, string> = { ...lambda, POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' };
    if (scenario.delegated === 'with-reader') env[ENV.assignmentReaderRoleArn] = createAssignmentReader(sim);
    const managementAccountId = scenario.delegated ? fixture.managementAccountId : undefined;

    let firstReading: ScenarioResult['firstReading'];
    if (scenario.before) {
      // The applied state: assignments planted directly, then one unmeasured run so the
      // reconciler has seen this config (its state written) as it would have in production.
      const before = storeConfig(sim, fixture, scenario.before(fixture), managementAccountId);
      plantDesired(sim, fixture, before);
      sim.calls.reset();
      const startedBefore = sim.clock.now();
      const runs = await applyUntilSettled(sim, env, QUEUE, LAMBDA_TIMEOUT_MS);
      if (scenario.delegated === 'without-reader' || runs.length > 1) {
        const wallSeconds = round((sim.clock.now() - startedBefore) / 1000);
        firstReading = { invocations: runs.length, identityCenterRead: identityCenterReads(sim.calls.byOperation()), wallSeconds };
      }
    }
    scenario.mutate?.(sim, fixture);
    if (scenario.cachedTagsAgeMs) await ageTagReadings(dynamodb, table, scenario.cachedTagsAgeMs);
    const doc = storeConfig(sim, fixture, scenario.rules(fixture), managementAccountId);

    sim.calls.reset();
    const startedSim = sim.clock.now();
    const startedReal = Date.now();
    const created = scenario.newAccount ? createAccountInBusiestOu(sim, fixture, doc) : undefined;
    // The event reaches the reconciler now (working out the expected assignments above took simulated time too).
    const eventAt = sim.clock.now();
    const invocations = await applyUntilSettled(sim, env, QUEUE, LAMBDA_TIMEOUT_MS, 50, created && accountCreatedEvent(created.id));
    const wallSeconds = (sim.clock.now() - startedSim) / 1000;
    const realSeconds = (Date.now() - startedReal) / 1000;
    const calls = sim.calls.byOperation();
    const last = invocations[invocations.length - 1].report;
    if (!['converged', 'no-changes'].includes(last.outcome)) throw new Error(`${scenario.name}: the run ended ${last.outcome}: ${last.errors.join('; ')}`);

    const operations = sum(invocations, (i) => i.report.counts.created + i.report.counts.deleted + i.report.counts.provisioned);
    const model = sim.quotaModel();
    const meanLatencySeconds = (model.asyncLatency.minMs + model.asyncLatency.maxMs) / 2000;
    // Every operation costs one write and at least one status read of the same collective quota,
    // and holds one of the outstanding slots for the scenario's mean latency.
    const quotaLimitOpsPerSecond = Math.min(model.ssoAdmin.requestsPerSecond / 2, model.ssoAdmin.maxOutstandingAsyncOperations / meanLatencySeconds);
    const naiveReadCalls = await measureNaive(sim, fixture, doc);

    const read = Object.entries(calls).filter(([op]) => !WRITES.has(op) && !op.startsWith('webhooks:')).reduce((n, [, c]) => n + c, 0);
    const write = Object.entries(calls).filter(([op]) => WRITES.has(op)).reduce((n, [, c]) => n + c, 0);
    const identityCenterRead = identityCenterReads(calls);
    const access = created && timeToAccess(sim, created.id, eventAt);
    if (created && access!.assignments !== created.expected) {
      throw new Error(`${scenario.name}: the new account holds ${access!.assignments} assignments, ${created.expected} expected`);
    }
    return {
      name: scenario.name,
      accounts: sim.organizations.accounts().length,
      assignments: last.counts.desired,
      apiCalls: { read, write, total: read + write, identityCenterRead },
      naiveReadCalls,
      wallSeconds: round(wallSeconds),
      opsPerSecond: round(operations / wallSeconds),
      quotaLimitOpsPerSecond: round(quotaLimitOpsPerSecond),
      peakRssMb: round(Math.max(...invocations.map((i) => i.maxRssMb))),
      invocations: invocations.length,
      delegated: scenario.delegated !== undefined,
      ...(firstReading ? { firstReading } : {}),
      ...(access ? { timeToAccessSeconds: access.seconds, newAccountAssignments: access.assignments } : {}),
      operations,
      realSeconds: round(realSeconds),
      clockSpeed: scenario.speed,
      callsByOperation: calls,
    };
  } finally {
    await sim.stop();
    await dynamodb.stop();
  }
}

/**
 * Ages the tag readings the unmeasured run cached. The reconciler's clock is the real one (as in
 * Lambda), not the simulator's, so time between runs is passed in the table itself.
 */
async function ageTagReadings(dynamodb: DynamoDbEndpoint, table: string, ms: number): Promise<void> {
  const client = new DynamoDBClient({ endpoint: dynamodb.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    const store = new DynamoDbStateStore(client, table);
    await store.saveTagReadings((await store.tagReadings()).map((r) => ({ ...r, readAt: r.readAt - ms })));
  } finally {
    client.destroy();
  }
}

/** A new account in the OU whose accounts the rules give the most assignments, and how many it should get. */
function createAccountInBusiestOu(sim: AwsSimulator, fixture: OrganizationFixture, doc: ConfigDocument): { id: string; expected: number } {
  const management = doc.options.managementAccountId;
  const eligible = (a: OrgAccount) => a.status === 'ACTIVE' && a.id !== management;
  const desired = computeDesired(doc, new OrgIndex(orgSnapshot(sim)), references(fixture, doc), eligible);
  const perAccount = new Map<string, number>();
  for (const a of desired.assignments.values()) perAccount.set(a.accountId, (perAccount.get(a.accountId) ?? 0) + 1);
  const [busiest] = [...perAccount].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  const parentId = sim.organizations.account(busiest)!.parentId;
  const account = sim.organizations.createAccount({ name: 'new-account-under-test', parentId });
  const after = computeDesired(doc, new OrgIndex(orgSnapshot(sim)), references(fixture, doc), eligible);
  return { id: account.id, expected: [...after.assignments.values()].filter((a) => a.accountId === account.id).length };
}

/** The completion of CreateAccount as EventBridge delivers it to the queue (test/fixtures/aws-events.ts has AWS's sample). */
function accountCreatedEvent(accountId: string): unknown {
  const detail = {
    eventSource: 'organizations.amazonaws.com',
    eventName: 'CreateAccountResult',
    eventType: 'AwsServiceEvent',
    serviceEventDetails: { createAccountStatus: { id: 'car-bench', state: 'SUCCEEDED', accountName: 'new-account-under-test', accountId } },
  };
  const body = JSON.stringify({ 'version': '0', 'detail-type': 'AWS Service Event via CloudTrail', 'source': 'aws.organizations', detail });
  return { Records: [{ messageId: 'account-created', body, attributes: {}, messageAttributes: {} }] };
}

/** When the new account's last assignment SUCCEEDED, counted from `since` (the event). */
function timeToAccess(sim: AwsSimulator, accountId: string, since: number): { seconds: number; assignments: number } {
  const done = sim.identityCenter.operations({ kind: 'CREATE_ASSIGNMENT', status: 'SUCCEEDED' }).filter((o) => o.accountId === accountId);
  const last = Math.max(since, ...done.map((o) => o.completedAt ?? o.completesAt));
  return { seconds: round((last - since) / 1000), assignments: done.length };
}

function identityCenterReads(calls: Record<string, number>): number {
  return Object.entries(calls).filter(([op]) => op.startsWith('sso-admin:') && !WRITES.has(op)).reduce((n, [, c]) => n + c, 0);
}

/** Stores the document exactly as AssignmentAutomation lays it out over SSM parameters. */
function storeConfig(sim: AwsSimulator, fixture: OrganizationFixture, rules: RuleDocument[], managementAccountId?: string): ConfigDocument {
  const used = new Set(rules.map((r) => r.permissionSet));
  const doc: ConfigDocument = {
    version: CONFIG_VERSION,
    instanceArn: fixture.instanceArn,
    identityStoreId: fixture.identityStoreId,
    options: managementAccountId === undefined ? {} : { managementAccountId },
    permissionSets: fixture.permissionSets.filter((p) => used.has(p.name)).map((p) => ({ name: p.name, arn: p.arn })),
    rules,
  };
  const storage = planConfigStorage(new Stack(), doc, BUS);
  const tier = storage.fitsStandard ? 'Standard' : 'Advanced';
  storage.parts.forEach((part, i) => sim.ssm.put(storage.head.parts[i], JSON.stringify(part), { tier }));
  sim.ssm.put(`/${BUS}/config`, JSON.stringify(storage.head), { tier });
  return doc;
}

/**
 * The role OrgEventBridge's assignmentReader creates in the management account: the one read, trusted
 * by the delegated administrator account (whose callers the bench's default credentials are).
 */
function createAssignmentReader(sim: AwsSimulator): string {
  const role = sim.iam.createRole({
    accountId: sim.organizations.managementAccountId,
    name: 'identity-center-assignments-reader',
    policy: [{ effect: 'Allow', actions: ['sso:ListAccountAssignmentsForPrincipal'], resources: ['arn:aws:sso:::instance/*'] }],
    trustPolicy: [{ effect: 'Allow', awsPrincipals: [`arn:aws:iam::${sim.delegatedAdministratorAccountId}:root`] }],
  });
  return role.arn;
}

/** The organization as the reconciler's core sees it, read from the simulator's model. */
function orgSnapshot(sim: AwsSimulator): OrgSnapshot {
  const units = new Map<string, OrgUnit>([[sim.organizations.rootId, { id: sim.organizations.rootId, name: 'Root' }]]);
  for (const ou of sim.organizations.organizationalUnits()) units.set(ou.id, { id: ou.id, name: ou.name, parentId: ou.parentId });
  const accounts = new Map<string, OrgAccount>();
  const tags = new Map<string, Record<string, string>>();
  for (const a of sim.organizations.accounts()) {
    accounts.set(a.id, { id: a.id, name: a.name, status: a.status, parentId: a.parentId });
    tags.set(a.id, Object.fromEntries(a.tags));
  }
  return { rootId: sim.organizations.rootId, units, accounts, tags };
}

function references(fixture: OrganizationFixture, doc: ConfigDocument) {
  const principals = new Map(fixture.groups.map((g) => [
    principalLookupKey({ group: g.displayName }),
    { value: { principalType: 'GROUP' as const, principalId: g.id } },
  ]));
  const permissionSets = new Map(doc.permissionSets.map((p) => [p.name, { value: p.arn! }]));
  return { principals, permissionSets };
}

function plantDesired(sim: AwsSimulator, fixture: OrganizationFixture, doc: ConfigDocument): void {
  // A delegated administrator never plans the management account: nothing is planted there either.
  const management = doc.options.managementAccountId;
  const desired = computeDesired(doc, new OrgIndex(orgSnapshot(sim)), references(fixture, doc), (a) => a.status === 'ACTIVE' && a.id !== management);
  if (desired.errors.length > 0) throw new Error(`the benchmark's rules do not resolve: ${desired.errors.slice(0, 3).join('; ')}`);
  for (const a of desired.assignments.values()) sim.identityCenter.addAssignment(a);
}

/**
 * The naive reading other tools and the seed use: one ListAccountAssignments (paginated) per
 * account and managed permission set, run against the same simulator at a faster clock.
 */
async function measureNaive(sim: AwsSimulator, fixture: OrganizationFixture, doc: ConfigDocument): Promise<number> {
  const speed = 1000;
  sim.clock.setSpeed(speed);
  Object.assign(process.env, sim.env());
  const rates = { identityCenter: DEFAULT_RATES.identityCenter * speed, organizations: 1e6, identityStore: 1e6 };
  const aws = awsAdapters({ counter: new ApiCallCounter(), rates });
  const arns = new Map(doc.permissionSets.map((p) => [p.name, p.arn!]));
  const pairs = new Set(doc.rules.map((r) => {
    const group = fixture.groups.find((g) => g.displayName === (r.principal as { group: string }).group)!;
    return pairKey({ principalType: 'GROUP', principalId: group.id, permissionSetArn: arns.get(r.permissionSet)! });
  }));
  const accounts = sim.organizations.accounts().filter((a) => a.status === 'ACTIVE').map((a) => a.id);
  sim.calls.reset();
  await readPerAccount(pairs, accounts, aws.identityCenter(fixture.instanceArn), 16);
  return sim.calls.count('sso-admin', 'ListAccountAssignments');
}

/** The targets, judged on the scenarios that carry them (at full size the names match). */
function targets(results: ScenarioResult[]) {
  const find = (text: string) => results.find((r) => r.name.includes(text));
  const steady = find('steady state, 1000 accounts');
  const rollout = results.find((r) => r.name.includes('rollout') && !r.name.includes('1.5 s operations'));
  const shortRollout = find('1.5 s operations');
  const large = find('steady state, 5000 accounts');
  const withReader = results.filter((r) => r.name.includes('delegated with the reader role'));
  const withoutReader = results.filter((r) => r.name.includes('delegated without the reader role'));
  const tagged = find('tag rules');
  const access = find('time to access of a new account, 5000 accounts');
  const ofLimit = (r: ScenarioResult) => round((100 * r.opsPerSecond) / r.quotaLimitOpsPerSecond);
  const judged = <T>(value: T | undefined, pass: (v: T) => boolean) =>
    (value === undefined ? { value: null, pass: null } : { value, pass: pass(value) });
  return {
    steadyReadsOfNaiveAt1000Accounts: judged(steady && round((100 * steady.apiCalls.identityCenterRead) / steady.naiveReadCalls), (v) => v <= 5),
    rolloutPercentOfQuotaLimit: judged(rollout && ofLimit(rollout), (v) => v >= 90),
    rolloutAt1500MsPercentOfQuotaLimit: judged(shortRollout && ofLimit(shortRollout), (v) => v >= 90),
    peakRssMbAt5000Accounts: judged(large?.peakRssMb, (v) => v <= 512),
    delegatedWithReaderReadsOfNaive: judged(worst(withReader, (r) => round((100 * r.apiCalls.identityCenterRead) / r.naiveReadCalls)), (v) => v <= 5),
    delegatedWithoutReaderInvocations: judged(worst(withoutReader, (r) => r.invocations), (v) => v === 1),
    tagRulesAt5000AccountsInvocations: judged(tagged?.invocations, (v) => v === 1),
    timeToAccessSecondsAt5000Accounts: judged(access?.timeToAccessSeconds, (v) => v <= 60),
  };
}

/** The highest value over the scenarios, or undefined when none ran. */
const worst = <T>(list: T[], f: (t: T) => number) => (list.length === 0 ? undefined : Math.max(...list.map(f)));
const sum = <T>(list: T[], f: (t: T) => number) => list.reduce((n, t) => n + f(t), 0);
const round = (n: number) => Math.round(n * 100) / 100;

async function main(): Promise<void> {
  const scale = Number(process.argv.find((a) => a.startsWith('--scale='))?.slice('--scale='.length) ?? '1');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const out = path.join(__dirname, scale === 1 ? '' : 'out');
  fs.mkdirSync(out, { recursive: true });
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios(scale).filter((s) => !only || s.name.includes(only))) {
    process.stdout.write(`${scenario.name} ... `);
    const result = await runScenario(scenario);
    results.push(result);
    console.log(`${result.wallSeconds} simulated s (${result.realSeconds} real s), `
      + `${result.apiCalls.identityCenterRead} Identity Center reads vs ${result.naiveReadCalls} naive, `
      + `${result.opsPerSecond}/${result.quotaLimitOpsPerSecond} ops/s, ${result.peakRssMb} MB`);
  }
  const document = {
    generatedAt: new Date().toISOString(),
    scale,
    notes: [
      'wallSeconds is simulated time: what the same run takes against AWS at these quotas. realSeconds is this machine\'s time.',
      'The simulator runs clockSpeed times faster than real time; every quota and latency is scaled with it, and so is the reconciler\'s own rate limit.',
      'quotaLimitOpsPerSecond = min(20 TPS / 2 calls per operation, 15 outstanding operations / the scenario\'s mean latency: 4 s, or 1.5 s where the name says so).',
      'naiveReadCalls: ListAccountAssignments calls of the per-account x permission set strategy, run against the same organization.',
      'peakRssMb: maximum resident set size of the reconciler process (one cold Lambda invocation per process).',
    ],
    targets: targets(results),
    scenarios: results,
  };
  fs.writeFileSync(path.join(out, 'results.json'), `${JSON.stringify(document, null, 2)}\n`);
  fs.writeFileSync(path.join(out, 'results.md'), writeTable(results));
  fs.writeFileSync(path.join(out, 'throughput.svg'), writeChart(results));
  console.log(`\n${writeTable(results)}\ntargets: ${JSON.stringify(document.targets)}\nwritten to ${path.relative(process.cwd(), out) || '.'}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
