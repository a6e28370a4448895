import {
  InvalidInputException, ListAccountsCommand, ListAccountsForParentCommand, OrganizationsClient, paginateListAccounts,
  paginateListAccountsForParent, paginateListChildren,
  paginateListOrganizationalUnitsForParent,
} from '@aws-sdk/client-organizations';
import {
  ListAccountAssignmentsForPrincipalCommand, paginateListAccountAssignmentsForPrincipal, SSOAdminClient, ValidationException,
} from '@aws-sdk/client-sso-admin';
import { AwsSimulator, buildOrganization, OrganizationFixture } from '../../simulator';

/** Pages as the SDK paginator sees them: item counts, and whether a NextToken came back. */
async function collect<T>(pages: AsyncIterable<T>, items: (page: T) => unknown[] | undefined) {
  const all: unknown[] = [];
  const sizes: number[] = [];
  for await (const page of pages) {
    const got = items(page) ?? [];
    sizes.push(got.length);
    all.push(...got);
  }
  return { all, sizes };
}

describe('pagination with short and empty pages', () => {
  let sim: AwsSimulator;
  let fixture: OrganizationFixture;
  let organizations: OrganizationsClient;
  beforeAll(async () => {
    // Generous quotas: this suite is about pages, not throttling.
    sim = await AwsSimulator.start({
      seed: 3,
      pagination: { shortPageProbability: 0.4, emptyPageProbability: 0.2 },
      quotas: { organizations: { requestsPerSecond: 10_000, burst: 10_000 }, ssoAdmin: { requestsPerSecond: 10_000, burst: 10_000 } },
    });
    fixture = buildOrganization(sim, { accounts: 300, ouDepth: 2, ousPerLevel: 3, groups: 2, permissionSets: 4, seed: 3 });
    organizations = new OrganizationsClient(sim.clientConfig());
  });
  afterAll(async () => sim.stop());
  afterEach(() => expect(sim.unexpectedErrors).toEqual([]));

  test('paginateListAccounts reaches every account exactly once through short and empty pages', async () => {
    sim.calls.reset();
    const { all, sizes } = await collect(paginateListAccounts({ client: organizations }, {}), (p) => p.Accounts);
    const ids = all.map((a) => (a as { Id: string }).Id);
    expect(new Set(ids).size).toBe(301);
    expect(ids.sort()).toEqual([fixture.managementAccountId, ...fixture.accounts.map((a) => a.id)].sort());
    expect(sizes.some((n) => n > 0 && n < 20)).toBe(true);
    expect(sizes).toContain(0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(20);
    expect(sim.calls.count('organizations', 'ListAccounts')).toBe(sizes.length);
  });

  test('walking the OU tree with ListOrganizationalUnitsForParent, ListAccountsForParent and ListChildren finds the whole organization', async () => {
    const accountIds: string[] = [];
    const ouIds: string[] = [];
    const walk = async (parentId: string): Promise<void> => {
      const accounts = await collect(paginateListAccountsForParent({ client: organizations, pageSize: 7 }, { ParentId: parentId }),
        (p) => p.Accounts);
      accountIds.push(...accounts.all.map((a) => (a as { Id: string }).Id));
      const ous = await collect(paginateListOrganizationalUnitsForParent({ client: organizations }, { ParentId: parentId }),
        (p) => p.OrganizationalUnits);
      const children = await collect(paginateListChildren({ client: organizations }, { ParentId: parentId, ChildType: 'ORGANIZATIONAL_UNIT' }), (p) => p.Children);
      expect(children.all.map((c) => (c as { Id: string }).Id).sort()).toEqual(ous.all.map((o) => (o as { Id: string }).Id).sort());
      for (const ou of ous.all as Array<{ Id: string }>) {
        ouIds.push(ou.Id);
        await walk(ou.Id);
      }
    };
    await walk(fixture.rootId);
    expect(accountIds.sort()).toEqual([fixture.managementAccountId, ...fixture.accounts.map((a) => a.id)].sort());
    expect(ouIds.sort()).toEqual(fixture.organizationalUnits.map((o) => o.id).sort());
  });

  test('tokens are opaque and bound to their query; AWS maxima are enforced', async () => {
    await expect(organizations.send(new ListAccountsCommand({ NextToken: 'forged' }))).rejects.toBeInstanceOf(InvalidInputException);
    let token: string | undefined;
    while (!token) token = (await organizations.send(new ListAccountsCommand({ MaxResults: 5, NextToken: token }))).NextToken;
    await expect(organizations.send(new ListAccountsCommand({ NextToken: token, MaxResults: 5 }))).resolves.toBeDefined();
    await expect(organizations.send(new ListAccountsForParentCommand({ ParentId: fixture.rootId, NextToken: token }))).rejects.toMatchObject({
      name: 'InvalidInputException', Reason: 'INVALID_NEXT_TOKEN',
    });
    const tooMany = organizations.send(new ListAccountsCommand({ MaxResults: 21 }));
    await expect(tooMany).rejects.toMatchObject({ name: 'InvalidInputException', Reason: 'MAX_VALUE_EXCEEDED' });
    const admin = new SSOAdminClient(sim.clientConfig());
    await expect(admin.send(new ListAccountAssignmentsForPrincipalCommand({
      InstanceArn: fixture.instanceArn, PrincipalId: fixture.groups[0].id, PrincipalType: 'GROUP', MaxResults: 101,
    }))).rejects.toBeInstanceOf(ValidationException);
  });

  test('ListAccountAssignmentsForPrincipal pages through every assignment and honours Filter.AccountId', async () => {
    const group = fixture.groups[0];
    const active = fixture.accounts.filter((a) => a.status === 'ACTIVE');
    for (const account of active) {
      for (const ps of fixture.permissionSets.slice(0, 2)) {
        sim.identityCenter.addAssignment({ accountId: account.id, permissionSetArn: ps.arn, principalType: 'GROUP', principalId: group.id });
      }
    }
    const admin = new SSOAdminClient(sim.clientConfig());
    const { all } = await collect(paginateListAccountAssignmentsForPrincipal({ client: admin },
      { InstanceArn: fixture.instanceArn, PrincipalId: group.id, PrincipalType: 'GROUP' }), (p) => p.AccountAssignments);
    expect(all).toHaveLength(active.length * 2);
    const filtered = await collect(paginateListAccountAssignmentsForPrincipal({ client: admin, pageSize: 1 },
      { InstanceArn: fixture.instanceArn, PrincipalId: group.id, PrincipalType: 'GROUP', Filter: { AccountId: active[5].id } }), (p) => p.AccountAssignments);
    expect(filtered.all).toEqual(fixture.permissionSets.slice(0, 2).map((ps) => ({
      AccountId: active[5].id, PermissionSetArn: ps.arn, PrincipalId: group.id, PrincipalType: 'GROUP',
    })).sort((a, b) => a.PermissionSetArn.localeCompare(b.PermissionSetArn)));
  });

  test('page shapes are deterministic under the seed', async () => {
    const pageSizes = async (seed: number) => {
      const other = await AwsSimulator.start({
        seed,
        pagination: { shortPageProbability: 0.4, emptyPageProbability: 0.2 },
        quotas: { organizations: { requestsPerSecond: 1000, burst: 1000 } },
      });
      buildOrganization(other, { accounts: 120, seed: 1 });
      const { sizes } = await collect(paginateListAccounts({ client: new OrganizationsClient(other.clientConfig()) }, {}), (p) => p.Accounts);
      await other.stop();
      return sizes;
    };
    const [a, b, c] = [await pageSizes(5), await pageSizes(5), await pageSizes(6)];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});
