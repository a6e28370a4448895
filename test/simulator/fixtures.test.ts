import { OrganizationsClient, paginateListAccountsForParent } from '@aws-sdk/client-organizations';
import { AwsSimulator, buildOrganization } from '../../simulator';

describe('organization fixtures', () => {
  let sim: AwsSimulator;
  afterEach(async () => {
    expect(sim.unexpectedErrors).toEqual([]);
    await sim.stop();
  });

  test('builds 5,000 accounts, 50 OUs 4 deep, 300 groups and 30 permission sets in well under a second', async () => {
    sim = await AwsSimulator.start({ seed: 1 });
    const started = performance.now();
    const fixture = buildOrganization(sim, {
      accounts: 5000,
      ouDepth: 4,
      ousPerLevel: 3,
      organizationalUnits: 50,
      suspendedAccounts: 40,
      groups: 300,
      users: 50,
      permissionSets: 30,
      tagKeys: { env: ['prod', 'dev'], team: ['platform', 'data', 'payments'] },
      seed: 1,
    });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000);
    expect(fixture.accounts).toHaveLength(5000);
    expect(fixture.organizationalUnits).toHaveLength(50);
    expect(Math.max(...fixture.organizationalUnits.map((o) => o.depth))).toBe(4);
    expect(fixture.groups).toHaveLength(300);
    expect(fixture.permissionSets).toHaveLength(30);
    expect(fixture.accounts.filter((a) => a.status === 'SUSPENDED')).toHaveLength(40);
    expect(sim.organizations.accounts()).toHaveLength(5001);
    // Paths name the tree the way rules target it, and agree with the model.
    const prod = fixture.organizationalUnits.find((o) => o.path === 'Root/Workloads/Prod')!;
    expect(sim.organizations.pathOf(prod.id)).toBe('Root/Workloads/Prod');
    expect(fixture.organizationalUnits.filter((o) => o.name === 'Prod').length).toBeGreaterThan(1);
    const sample = fixture.accounts[1234];
    expect(sim.organizations.account(sample.id)?.tags.get('team')).toBe(sample.tags.team);
    expect(sim.organizations.pathOf(sample.parentId)).toBe(sample.parentPath);
  });

  test('the same seed builds the same organization', async () => {
    sim = await AwsSimulator.start({ seed: 4 });
    const other = await AwsSimulator.start({ seed: 4 });
    const options = { accounts: 200, ouDepth: 3, ousPerLevel: [2, 3, 1], groups: 5, permissionSets: 3, existingAssignments: 50, seed: 4 };
    const a = buildOrganization(sim, options);
    const b = buildOrganization(other, options);
    await other.stop();
    expect(a).toEqual(b);
    expect(sim.identityCenter.assignmentCount()).toBe(50);
  });

  test('accounts listed through the API match the fixture, parent by parent', async () => {
    sim = await AwsSimulator.start({
      seed: 2,
      pagination: { shortPageProbability: 0.3, emptyPageProbability: 0.1 },
      quotas: { organizations: { requestsPerSecond: 1000, burst: 1000 } },
    });
    const fixture = buildOrganization(sim, { accounts: 400, ouDepth: 2, ousPerLevel: 4, seed: 2 });
    const client = new OrganizationsClient(sim.clientConfig());
    const target = fixture.organizationalUnits.find((o) => o.path === 'Root/Infrastructure/NonProd')!;
    const listed: string[] = [];
    for await (const page of paginateListAccountsForParent({ client }, { ParentId: target.id })) listed.push(...page.Accounts!.map((a) => a.Name!));
    expect(listed.sort()).toEqual(fixture.accounts.filter((a) => a.parentId === target.id).map((a) => a.name).sort());
  });
});
