import { BUS, HEAD, Harness, recordApiCalls } from './harness';
import { RuleDocument } from '../../src/reconciler/config/document';
import { ENV, EVENTS } from '../../src/reconciler/contract';
import { RunReport } from '../../src/reconciler/core/report';

const ORG = { accounts: 24, ouDepth: 3, ousPerLevel: 2, groups: 4, users: 2, permissionSets: 3, suspendedAccounts: 1, seed: 3 };
const writesOf = (h: Harness) => ['CreateAccountAssignment', 'DeleteAccountAssignment', 'ProvisionPermissionSet'].reduce((n, op) => n + h.sim.calls.count('sso-admin', op), 0);

describe('reconciler handler against the simulator', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ organization: ORG });
  });
  afterEach(async () => {
    expect(h.sim.unexpectedErrors).toEqual([]);
    await h.stop();
  });

  const active = () => h.sim.organizations.accounts().filter((a) => a.status === 'ACTIVE');
  const under = (path: string, nested = true) => active()
    .filter((a) => { const p = h.sim.organizations.pathOf(a.parentId); return nested ? p === path || p.startsWith(`${path}/`) : p === path; })
    .map((a) => a.name);
  const g = (i: number) => h.fixture.groups[i].displayName;

  test('converges from scratch, then a second run is a no-op with zero writes', async () => {
    h.putConfig([
      { principal: { group: g(0) }, permissionSet: 'AdministratorAccess', target: { all: true } },
      { principal: { group: g(1) }, permissionSet: 'ReadOnlyAccess', target: { ou: 'Root/Workloads' } },
    ]);
    const first = await h.apply();
    expect(first.outcome).toBe('converged');
    expect(first.counts.created).toBe(active().length + under('Root/Workloads').length);
    expect(h.live((a) => a.principalId === h.fixture.groups[1].id)).toEqual(under('Root/Workloads').map((n) => `${g(1)}:ReadOnlyAccess@${n}`).sort());
    recordApiCalls('converge from scratch (24 accounts, 2 rules)', first.apiCalls!);

    h.sim.calls.reset();
    const second = await h.apply();
    expect(second.outcome).toBe('no-changes');
    expect(writesOf(h)).toBe(0);
    expect(h.sim.calls.count('ssm', 'PutParameter')).toBe(0);
    // Reads are per principal, never per account x permission set.
    expect(h.sim.calls.count('sso-admin', 'ListAccountAssignments')).toBe(0);
    expect(h.sim.calls.count('sso-admin', 'ListAccountAssignmentsForPrincipal')).toBeGreaterThanOrEqual(2);
    recordApiCalls('steady state (24 accounts, 2 rules)', second.apiCalls!);
  });

  test('follows the organization: an account moved, created and suspended', async () => {
    h.putConfig([{ principal: { group: g(0) }, permissionSet: 'PowerUserAccess', target: { ou: 'Root/Workloads' } }]);
    await h.apply();
    const orgs = h.sim.organizations;
    const infra = orgs.organizationalUnits().find((u) => orgs.pathOf(u.id) === 'Root/Infrastructure')!;
    const workloads = orgs.organizationalUnits().find((u) => orgs.pathOf(u.id) === 'Root/Workloads')!;
    const moved = active().find((a) => orgs.pathOf(a.parentId).startsWith('Root/Workloads'))!;
    const suspended = active().filter((a) => orgs.pathOf(a.parentId).startsWith('Root/Workloads')).find((a) => a.id !== moved.id)!;
    orgs.moveAccount(moved.id, infra.id);
    orgs.createAccount({ name: 'brand-new', parentId: workloads.id });
    orgs.setAccountStatus(suspended.id, 'SUSPENDED');

    h.sim.calls.reset();
    const report = await h.apply();
    expect(report.counts).toMatchObject({ created: 1, deleted: 1, failed: 0 });
    expect(h.live()).toContain(`${g(0)}:PowerUserAccess@brand-new`);
    expect(h.live()).not.toContain(`${g(0)}:PowerUserAccess@${moved.name}`);
    // A suspended account is never touched: its assignment stays until it comes back.
    expect(h.live()).toContain(`${g(0)}:PowerUserAccess@${suspended.name}`);
    recordApiCalls('account moved, created and suspended', report.apiCalls!);
  });

  test('removing a rule removes its assignments', async () => {
    const keep: RuleDocument = { principal: { group: g(0) }, permissionSet: 'ReadOnlyAccess', target: { all: true } };
    h.putConfig([keep, { principal: { group: g(1) }, permissionSet: 'PowerUserAccess', target: { ou: 'Root/Infrastructure' } }]);
    await h.apply();
    h.putConfig([keep]);
    const report = await h.apply();
    expect(report.counts.deleted).toBe(under('Root/Infrastructure').length);
    expect(h.live((a) => a.principalId === h.fixture.groups[1].id)).toEqual([]);
  });

  test('OU by path, id and unique name, nested or not; an ambiguous name is rejected', async () => {
    const orgs = h.sim.organizations;
    const prodId = orgs.organizationalUnits().find((u) => orgs.pathOf(u.id) === 'Root/Workloads/Prod')!.id;
    h.putConfig([
      { principal: { group: g(0) }, permissionSet: 'ReadOnlyAccess', target: { ou: 'Root/Workloads/Prod' } },
      { principal: { group: g(1) }, permissionSet: 'ReadOnlyAccess', target: { ou: prodId, nested: false } },
      { principal: { group: g(2) }, permissionSet: 'ReadOnlyAccess', target: { ou: 'Infrastructure' } },
      { principal: { group: g(3) }, permissionSet: 'ReadOnlyAccess', target: { ou: 'Prod' } },
    ]);
    const report = await h.apply();
    const of = (i: number) => h.live((a) => a.principalId === h.fixture.groups[i].id).map((s) => s.split('@')[1]);
    expect(of(0)).toEqual(under('Root/Workloads/Prod').sort());
    expect(of(1)).toEqual(under('Root/Workloads/Prod', false).sort());
    expect(of(2)).toEqual(under('Root/Infrastructure').sort());
    expect(of(3)).toEqual([]);
    expect(report.errors).toEqual([expect.stringMatching(/rule 4 .*organizational unit name 'Prod' is ambiguous \(Root\/Infrastructure\/NonProd\/Prod, .*\); use its path or id/)]);
  });

  test('tags, exclusions, users and the group name suffix', async () => {
    const suffixed = h.sim.identityStore.createGroup('CLOUD-ADMINS@corp.example.com');
    const tagged = active().filter((a) => a.tags.get('env') === 'prod').map((a) => a.name);
    h.putConfig([
      { principal: { group: 'CLOUD-ADMINS' }, permissionSet: 'AdministratorAccess', target: { tag: { key: 'env', value: 'prod' } } },
      { principal: { user: h.fixture.users[0].userName }, permissionSet: 'ReadOnlyAccess', target: { all: true, exclude: [{ ou: 'Root/Workloads' }, { tag: { key: 'env', value: 'prod' } }] } },
    ], { groupNameSuffix: '@corp.example.com' });
    const report = await h.apply();
    expect(report.errors).toEqual([]);
    expect(h.live((a) => a.principalId === suffixed.id).map((s) => s.split('@').slice(-1)[0]).sort()).toEqual(tagged.sort());
    const expected = active().filter((a) => !h.sim.organizations.pathOf(a.parentId).startsWith('Root/Workloads') && a.tags.get('env') !== 'prod').map((a) => a.name);
    expect(h.live((a) => a.principalId === h.fixture.users[0].id).map((s) => s.split('@').slice(-1)[0]).sort()).toEqual(expected.sort());
  });

  test('one reconcile per SQS batch, whatever the events', async () => {
    h.putConfig([{ principal: { group: g(0) }, permissionSet: 'ReadOnlyAccess', target: { all: true } }]);
    const records = ['{"source":"aws.ssm"}', '{"source":"aws.organizations"}', 'not json'].map((body, i) => ({ messageId: String(i), body }));
    const result = await h.invoke({ Records: records } as never);
    expect(result).toBeUndefined();
    expect(h.sim.calls.count('organizations', 'ListRoots')).toBe(1);
    expect(h.live()).toHaveLength(active().length);
  });

  test('a direct plan invocation returns the plan and writes nothing', async () => {
    h.putConfig([{ principal: { group: g(0) }, permissionSet: 'ReadOnlyAccess', target: { all: true } }]);
    const report = await h.invoke({ mode: 'plan' }) as RunReport;
    expect(report.outcome).toBe('planned');
    expect(report.changes).toHaveLength(active().length);
    expect(report.changes[0]).toMatchObject({ action: 'create', principal: `group ${g(0)}`, permissionSet: 'ReadOnlyAccess' });
    expect(writesOf(h)).toBe(0);
    expect(h.sim.calls.count('ssm', 'PutParameter')).toBe(0);
  });

  test('an invalid document in SSM changes nothing and says why', async () => {
    h.putConfig([{ principal: { group: g(0) }, permissionSet: 'ReadOnlyAccess', target: { all: true } }]);
    await h.apply();
    const before = h.live();
    h.sim.ssm.put(HEAD, '{"version":1,"rules":[{"principal":{"team":"x"}}]}');
    const report = await h.apply();
    expect(report.outcome).toBe('invalid-config');
    expect(report.errors[0].startsWith(`the config parameter ${HEAD} is invalid: `)).toBe(true);
    expect(h.live()).toEqual(before);
    expect(writesOf(h)).toBe(active().length);
  });

  test('a config split over several parameters is read whole', async () => {
    const rules: RuleDocument[] = h.sim.organizations.accounts().filter((a) => a.status === 'ACTIVE').flatMap((a) =>
      h.fixture.groups.map((grp) => ({ principal: { group: grp.displayName }, permissionSet: 'ReadOnlyAccess', target: { account: a.id } })));
    h.putConfig(rules);
    expect(JSON.parse(h.sim.ssm.get(HEAD)!.value).parts.length).toBeGreaterThan(0);
    const report = await h.apply();
    expect(report.counts.rules).toBe(rules.length);
    expect(report.counts.created).toBe(rules.length);
  });

  test('provisioning drift is re-provisioned in the same run', async () => {
    h.putConfig([{ principal: { group: g(0) }, permissionSet: 'PowerUserAccess', target: { ou: 'Root/Workloads' } }]);
    await h.apply();
    const arn = h.permissionSetArn('PowerUserAccess');
    h.sim.identityCenter.changePermissionSet(arn, { attachManagedPolicies: ['arn:aws:iam::aws:policy/AWSSupportAccess'] });
    expect(h.sim.identityCenter.accountsBehind(arn).length).toBe(under('Root/Workloads').length);
    const report = await h.apply();
    expect(report.counts).toMatchObject({ provisions: under('Root/Workloads').length, provisioned: under('Root/Workloads').length });
    expect(h.sim.identityCenter.accountsBehind(arn)).toEqual([]);
    recordApiCalls('provisioning drift of one permission set', report.apiCalls!);
  });

  test('reports on the event bus, SNS and Teams; a failing Teams webhook never fails the run', async () => {
    const topic = h.sim.sns.createTopic('assignments');
    h.sim.secretsManager.putSecret('teams', JSON.stringify({ url: h.sim.webhookUrl('teams') }));
    const secretArn = h.sim.secretsManager.find('teams')!.arn;
    const env = { [ENV.notificationTopicArn]: topic, [ENV.teamsWebhookSecretArn]: secretArn };
    h.putConfig([{ principal: { group: g(0) }, permissionSet: 'ReadOnlyAccess', target: { ou: 'Root/Infrastructure' } }]);
    const report = await h.apply({ env });
    const events = h.sim.eventBridge.events(BUS);
    expect(events.filter((e) => e.detailType === EVENTS.summaryDetailType)).toHaveLength(1);
    expect(events.filter((e) => e.detailType === EVENTS.changeDetailType)).toHaveLength(report.counts.created);
    expect(h.sim.sns.messages(topic)[0].subject).toMatch(/^Identity Center assignments: \d+ created, 0 deleted/);
    const card = h.sim.webhooks.deliveries('teams')[0].body as { attachments: Array<{ contentType: string }> };
    expect(card.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');

    h.sim.webhooks.failNext('teams', 1, 500);
    h.putConfig([{ principal: { group: g(0) }, permissionSet: 'ReadOnlyAccess', target: { all: true } }]);
    const second = await h.apply({ env });
    expect(second.outcome).toBe('converged');
  });

  test('the management account is never planned in delegated-admin mode', async () => {
    const management = h.sim.organizations.managementAccountId;
    h.putConfig([{ principal: { group: g(0) }, permissionSet: 'ReadOnlyAccess', target: { all: true } }], { managementAccountId: management });
    const report = await h.apply();
    expect(report.errors).toEqual([]);
    expect(h.sim.identityCenter.assignments().filter((a) => a.accountId === management)).toEqual([]);
    expect(report.counts.created).toBe(active().length - 1);
  });
});
