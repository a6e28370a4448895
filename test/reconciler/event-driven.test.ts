// What the events that start a run say, and what the run does with it: account tags from the cache in
// the state table (read again on a tag event), and a new account's access granted ahead of the whole run.
import type { SQSEvent } from 'aws-lambda';
import { FakeOrganizations, orgFrom } from './fakes';
import { BUS, Harness } from './harness';
import { EVENTS } from '../../src/reconciler/contract';
import { TAG_REFRESH_AGE_MS, TagCachePort, TagReading, readAccountTags } from '../../src/reconciler/core/account-tags';
import { RunReport } from '../../src/reconciler/core/report';
import { triggerFacts } from '../../src/reconciler/core/trigger-facts';
import { AwsEvent, IGNORED_ORGANIZATION_EVENTS, ORGANIZATION_EVENTS, assignmentCall } from '../fixtures/aws-events';

const body = (e: AwsEvent) => JSON.stringify(e);

describe('trigger facts from the documented sample events', () => {
  test('created and enrolled accounts, and accounts whose tags changed', () => {
    expect(triggerFacts([body(ORGANIZATION_EVENTS['CreateAccountResult SUCCEEDED'])])).toMatchObject({ newAccounts: ['444455556666'], tagsChanged: [] });
    expect(triggerFacts([body(ORGANIZATION_EVENTS['CreateManagedAccount SUCCEEDED']), body(ORGANIZATION_EVENTS['UpdateManagedAccount SUCCEEDED'])]))
      .toMatchObject({ newAccounts: ['624281831893'], tagsChanged: [] });
    expect(triggerFacts([body(ORGANIZATION_EVENTS.TagResource), body(ORGANIZATION_EVENTS.UntagResource)])).toMatchObject({ newAccounts: [], tagsChanged: ['444455556666'] });
  });

  test('assignments created or deleted by hand name their target', () => {
    const caller = { type: 'IAMUser', accountId: '111122223333', arn: 'arn:aws:iam::111122223333:user/jane' };
    const target = { accountId: '444455556666', permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-a1b9e6bd2d4fb336' };
    const events = (['CreateAccountAssignment', 'DeleteAccountAssignment'] as const).map((name) => assignmentCall(name, caller, { account: '111122223333' }));
    expect(triggerFacts(events.map(body)).assignmentsChanged).toEqual([target]);
    const refused = assignmentCall('CreateAccountAssignment', caller, { account: '111122223333', errorCode: 'AccessDeniedException' });
    expect(triggerFacts([body(refused)]).assignmentsChanged).toEqual([]);
  });

  test('failed creations, other events, continuations and junk say nothing', () => {
    const bodies = [...Object.values(IGNORED_ORGANIZATION_EVENTS).map(body), body(ORGANIZATION_EVENTS.MoveAccount), '{"continuation":{"sequence":2}}', 'not json', 'null'];
    expect(triggerFacts(bodies)).toEqual({ newAccounts: [], tagsChanged: [], assignmentsChanged: [], continuationOnly: false });
    // A tag on an OU or the root is not an account's.
    const ouTag = { ...ORGANIZATION_EVENTS.TagResource, detail: { ...ORGANIZATION_EVENTS.TagResource.detail, requestParameters: { resourceId: 'ou-a1b2-f6g7h111' } } };
    expect(triggerFacts([body(ouTag)]).tagsChanged).toEqual([]);
  });
});

class MemoryTagCache implements TagCachePort {
  readonly saved = new Map<string, TagReading>();
  async tagReadings() { return [...this.saved.values()]; }
  async saveTagReadings(readings: readonly TagReading[]) { for (const r of readings) this.saved.set(r.accountId, r); }
  async forgetTagReadings(ids: readonly string[]) { for (const id of ids) this.saved.delete(id); }
}

describe('readAccountTags', () => {
  const names = Array.from({ length: 40 }, (_, i) => `a-${i}`);
  const org = orgFrom({ 'Root/Workloads': names }, { tags: Object.fromEntries(names.map((n, i) => [n, { env: i % 2 ? 'prod' : 'dev' }])) });
  const ids = [...org.accounts.keys()];

  test('reads every account once, then only what is missing, changed, or a share of the oldest', async () => {
    const port = new FakeOrganizations(org);
    const cache = new MemoryTagCache();
    let now = 1_000;
    const first = await readAccountTags(ids, port, { cache, now: () => now, concurrency: 4 });
    expect(first.read).toBe(40);
    expect(first.unread.size).toBe(0);
    expect(first.tags.get(ids[1])).toEqual({ env: 'prod' });

    port.calls = 0;
    now += 60_000;
    const second = await readAccountTags(ids, port, { cache, now: () => now, concurrency: 4 });
    expect(port.calls).toBe(0);
    expect(second.tags.size).toBe(40);

    // A tag event names one account: it alone is read again, and its new tags win over the cache.
    (org.tags as Map<string, Record<string, string>>).set(ids[0], { env: 'prod' });
    port.calls = 0;
    const third = await readAccountTags(ids, port, { cache, changed: new Set([ids[0]]), now: () => now, concurrency: 4 });
    expect(port.calls).toBe(1);
    expect(third.tags.get(ids[0])).toEqual({ env: 'prod' });
    expect(cache.saved.get(ids[0])?.tags).toEqual({ env: 'prod' });

    // A day later every reading is old: a share of them (at least 200, so here all) is read again, oldest first.
    now += TAG_REFRESH_AGE_MS;
    port.calls = 0;
    await readAccountTags(ids, port, { cache, now: () => now, concurrency: 4 });
    expect(port.calls).toBe(40);
  });

  test('time runs out: what was read is kept, and the rest is read by the next invocation', async () => {
    const port = new FakeOrganizations(org);
    const cache = new MemoryTagCache();
    let reads = 0;
    const first = await readAccountTags(ids, port, { cache, now: () => 0, stop: () => reads++ >= 25, concurrency: 1 });
    expect(first.read).toBe(25);
    expect(first.unread.size).toBe(15);
    expect(first.notices.join(' ')).toMatch(/the tags of 15 account\(s\) are not read yet .* grant nothing new and remove nothing/);
    port.calls = 0;
    const second = await readAccountTags(ids, port, { cache, now: () => 0, concurrency: 1 });
    expect(port.calls).toBe(15);
    expect(second.unread.size).toBe(0);
  });

  test('readings the cache refuses are no progress: a follow-up invocation would only read them again', async () => {
    const cache = new MemoryTagCache();
    cache.saveTagReadings = async () => { throw new Error('ProvisionedThroughputExceededException'); };
    let reads = 0;
    const read = await readAccountTags(ids, new FakeOrganizations(org), { cache, now: () => 0, stop: () => reads++ >= 25, concurrency: 1 });
    expect(read.unread.size).toBe(15);
    expect(read.read).toBe(0);
    expect(read.notices.join(' ')).toMatch(/could not be cached \(.*ProvisionedThroughputExceededException\)/);
  });

  test('accounts gone from the organization are forgotten; without a cache, every account is read', async () => {
    const cache = new MemoryTagCache();
    await cache.saveTagReadings([{ accountId: '999999999999', tags: { env: 'prod' }, readAt: 0 }]);
    const port = new FakeOrganizations(org);
    await readAccountTags(ids, port, { cache, now: () => 0, concurrency: 4 });
    expect(cache.saved.has('999999999999')).toBe(false);
    port.calls = 0;
    await readAccountTags(ids, port, { now: () => 0, concurrency: 4 });
    await readAccountTags(ids, port, { now: () => 0, concurrency: 4 });
    expect(port.calls).toBe(80);
  });
});

const ORG = { accounts: 30, ouDepth: 3, ousPerLevel: 2, groups: 4, users: 1, permissionSets: 3, seed: 5 };
const sqs = (events: AwsEvent[]): SQSEvent => ({ Records: events.map((e, i) => ({ messageId: String(i), body: body(e) })) } as unknown as SQSEvent);

describe('event-driven runs against the simulator', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ organization: ORG });
  });
  afterEach(async () => {
    expect(h.sim.unexpectedErrors).toEqual([]);
    await h.stop();
  });
  const g = (i: number) => h.fixture.groups[i].displayName;
  const active = () => h.sim.organizations.accounts().filter((a) => a.status === 'ACTIVE');
  const tagEvent = (accountId: string) => ({
    ...ORGANIZATION_EVENTS.TagResource,
    detail: { ...ORGANIZATION_EVENTS.TagResource.detail, requestParameters: { resourceId: accountId, tags: [{ key: 'env', value: 'prod' }] } },
  });

  test('tag rules read tags from the cache; a tag event reads that account again, and the change is applied at once', async () => {
    h.putConfig([{ principal: { group: g(0) }, permissionSet: 'ReadOnlyAccess', target: { tag: { key: 'env', value: 'prod' } } }]);
    const first = await h.apply();
    expect(first.outcome).toBe('converged');
    expect(h.sim.calls.count('organizations', 'ListTagsForResource')).toBe(h.sim.organizations.accounts().length);
    const prod = () => active().filter((a) => a.tags.get('env') === 'prod').map((a) => `${g(0)}:ReadOnlyAccess@${a.name}`).sort();
    expect(h.live()).toEqual(prod());

    h.sim.calls.reset();
    const steady = await h.apply();
    expect(steady.outcome).toBe('no-changes');
    expect(h.sim.calls.count('organizations', 'ListTagsForResource')).toBe(0);

    const dev = active().find((a) => a.tags.get('env') !== 'prod')!;
    h.sim.organizations.tagAccount(dev.id, { env: 'prod' });
    h.sim.calls.reset();
    const tagged = await h.invoke(sqs([tagEvent(dev.id)])) as undefined;
    expect(tagged).toBeUndefined();
    expect(h.sim.calls.count('organizations', 'ListTagsForResource')).toBe(1);
    expect(h.live()).toEqual(prod());
    expect(h.live()).toContain(`${g(0)}:ReadOnlyAccess@${dev.name}`);
  });

  test('a created account gets its access ahead of the whole run, which then finds nothing left to do there', async () => {
    const orgs = h.sim.organizations;
    const workloads = orgs.organizationalUnits().find((u) => orgs.pathOf(u.id) === 'Root/Workloads')!;
    const other = active().find((a) => !orgs.pathOf(a.parentId).startsWith('Root/Workloads'))!;
    h.putConfig([
      { principal: { group: g(0) }, permissionSet: 'ReadOnlyAccess', target: { ou: 'Root/Workloads' } },
      { principal: { group: g(1) }, permissionSet: 'PowerUserAccess', target: { all: true, exclude: [{ account: other.name }] } },
      { principal: { group: g(2) }, permissionSet: 'ReadOnlyAccess', target: { account: other.name } },
      { principal: { group: g(3) }, permissionSet: 'ReadOnlyAccess', target: { ou: 'Root/Infrastructure' } },
    ]);
    expect((await h.apply()).outcome).toBe('converged');

    const created = orgs.createAccount({ name: 'payments-prod', parentId: workloads.id });
    const event = { ...ORGANIZATION_EVENTS['CreateAccountResult SUCCEEDED'] };
    const status = (event.detail.serviceEventDetails as { createAccountStatus: Record<string, unknown> }).createAccountStatus;
    event.detail = { ...event.detail, serviceEventDetails: { createAccountStatus: { ...status, accountId: created.id } } };
    h.sim.calls.reset();
    const started = h.sim.clock.now();
    const report = await invokeForReport(h, sqs([event]));

    const expected = [`${g(0)}:ReadOnlyAccess@payments-prod`, `${g(1)}:PowerUserAccess@payments-prod`];
    expect(h.live((a) => a.accountId === created.id)).toEqual(expected);
    expect(report.notices).toContainEqual(`new account(s) ${created.id}: 2 assignment(s) created ahead of the whole run`);
    expect(report.counts.created).toBe(2);
    // The whole run followed (it listed the organization) and found both there.
    expect(h.sim.calls.count('organizations', 'ListAccountsForParent')).toBeGreaterThan(0);
    const creations = h.sim.identityCenter.operations({ kind: 'CREATE_ASSIGNMENT' }).filter((o) => o.createdDate >= started);
    expect(creations.map((o) => o.accountId)).toEqual([created.id, created.id]);
  });

  test('a group deleted and created again under its name is granted by its new id, never its old one, in a new account', async () => {
    const orgs = h.sim.organizations;
    const workloads = orgs.organizationalUnits().find((u) => orgs.pathOf(u.id) === 'Root/Workloads')!;
    h.putConfig([
      { principal: { group: g(0) }, permissionSet: 'ReadOnlyAccess', target: { ou: 'Root/Workloads' } },
      { principal: { group: g(1) }, permissionSet: 'ReadOnlyAccess', target: { ou: 'Root/Workloads' } },
    ]);
    expect((await h.apply()).outcome).toBe('converged');
    const old = h.fixture.groups[0];
    h.sim.identityStore.deleteGroup(old.id);
    const recreated = h.sim.identityStore.createGroup(old.displayName);
    const created = orgs.createAccount({ name: 'payments-prod', parentId: workloads.id });
    const event = { ...ORGANIZATION_EVENTS['CreateAccountResult SUCCEEDED'] };
    const status = (event.detail.serviceEventDetails as { createAccountStatus: Record<string, unknown> }).createAccountStatus;
    event.detail = { ...event.detail, serviceEventDetails: { createAccountStatus: { ...status, accountId: created.id } } };
    const report = await invokeForReport(h, sqs([event]));
    expect(report.notices).toContainEqual(`new account(s) ${created.id}: 1 assignment(s) created ahead of the whole run`);
    const holders = h.sim.identityCenter.assignments().filter((a) => a.accountId === created.id).map((a) => a.principalId).sort();
    expect(holders).toEqual([h.fixture.groups[1].id, recreated.id].sort());
  });
});

/** The handler's report of a queued run (queued runs return nothing): taken from the summary it publishes. */
async function invokeForReport(h: Harness, event: SQSEvent): Promise<RunReport> {
  await h.invoke(event);
  const summaries = h.sim.eventBridge.events(BUS).filter((e) => e.detailType === EVENTS.summaryDetailType);
  return summaries[summaries.length - 1].detail as RunReport;
}
