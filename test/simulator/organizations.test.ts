import {
  ChildNotFoundException, DescribeOrganizationalUnitCommand, InvalidInputException, ListAccountsForParentCommand, ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand, OrganizationalUnitNotFoundException, OrganizationsClient, ParentNotFoundException,
} from '@aws-sdk/client-organizations';
import { AwsSimulator } from '../../simulator';

describe('Organizations model and API', () => {
  let sim: AwsSimulator;
  let client: OrganizationsClient;
  beforeEach(async () => {
    sim = await AwsSimulator.start({ seed: 13, pagination: { shortPageProbability: 0, emptyPageProbability: 0 } });
    client = new OrganizationsClient(sim.clientConfig());
  });
  afterEach(async () => {
    expect(sim.unexpectedErrors).toEqual([]);
    await sim.stop();
  });

  test('ids, paths and parents follow the Organizations shapes', async () => {
    const org = sim.organizations;
    const workloads = org.createOrganizationalUnit(org.rootId, 'Workloads');
    const prod = org.createOrganizationalUnit(workloads.id, 'Prod');
    const account = org.createAccount({ name: 'Payments Prod', parentId: prod.id, tags: { env: 'prod' } });
    expect(org.rootId).toMatch(/^r-[0-9a-z]{4}$/);
    expect(prod.id).toMatch(new RegExp(`^ou-${org.rootId.slice(2)}-[0-9a-z]{8}$`));
    expect(account.id).toMatch(/^\d{12}$/);
    expect(org.pathOf(prod.id)).toBe('Root/Workloads/Prod');

    const { Roots } = await client.send(new ListRootsCommand({}));
    expect(Roots).toEqual([expect.objectContaining({ Id: org.rootId, Name: 'Root' })]);
    const { OrganizationalUnit } = await client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: prod.id }));
    expect(OrganizationalUnit).toMatchObject({ Name: 'Prod', Path: `${org.organizationId}/${org.rootId}/${workloads.id}/${prod.id}/` });
    expect((await client.send(new ListParentsCommand({ ChildId: account.id }))).Parents).toEqual([{ Id: prod.id, Type: 'ORGANIZATIONAL_UNIT' }]);
    expect((await client.send(new ListParentsCommand({ ChildId: workloads.id }))).Parents).toEqual([{ Id: org.rootId, Type: 'ROOT' }]);
    expect((await client.send(new ListTagsForResourceCommand({ ResourceId: account.id }))).Tags).toEqual([{ Key: 'env', Value: 'prod' }]);
    const listed = await client.send(new ListAccountsForParentCommand({ ParentId: prod.id }));
    expect(listed.Accounts).toEqual([expect.objectContaining({
      Id: account.id,
      Name: 'Payments Prod',
      Email: 'payments-prod@example.com',
      State: 'ACTIVE',
      JoinedMethod: 'CREATED',
      Arn: `arn:aws:organizations::${org.managementAccountId}:account/${org.organizationId}/${account.id}`,
    })]);
    expect(listed.Accounts?.[0].JoinedTimestamp).toBeInstanceOf(Date);
  });

  test('moves, status changes, tags, renames and removals are visible through the API', async () => {
    const org = sim.organizations;
    const sandbox = org.createOrganizationalUnit(org.rootId, 'Sandbox');
    const suspended = org.createOrganizationalUnit(org.rootId, 'Suspended');
    const account = org.createAccount({ name: 'Play', parentId: sandbox.id, tags: { env: 'dev', team: 'x' } });
    org.moveAccount(account.id, suspended.id);
    org.setAccountStatus(account.id, 'SUSPENDED');
    org.untagAccount(account.id, ['team']);
    org.renameOrganizationalUnit(suspended.id, 'Closed');
    expect((await client.send(new ListAccountsForParentCommand({ ParentId: sandbox.id }))).Accounts).toEqual([]);
    const listed = (await client.send(new ListAccountsForParentCommand({ ParentId: suspended.id }))).Accounts!;
    expect(listed).toEqual([expect.objectContaining({ State: 'SUSPENDED' })]);
    // `Status` was retired on September 9, 2026.
    expect(listed[0].Status).toBeUndefined();
    expect((await client.send(new ListTagsForResourceCommand({ ResourceId: account.id }))).Tags).toEqual([{ Key: 'env', Value: 'dev' }]);
    expect((await client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: suspended.id }))).OrganizationalUnit?.Name).toBe('Closed');
    expect(() => org.deleteOrganizationalUnit(suspended.id)).toThrow('not empty');
    org.removeAccount(account.id);
    org.deleteOrganizationalUnit(suspended.id);
    await expect(client.send(new ListParentsCommand({ ChildId: account.id }))).rejects.toBeInstanceOf(ChildNotFoundException);
    const describeDeleted = client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: suspended.id }));
    await expect(describeDeleted).rejects.toBeInstanceOf(OrganizationalUnitNotFoundException);
    await expect(client.send(new ListAccountsForParentCommand({ ParentId: suspended.id }))).rejects.toBeInstanceOf(ParentNotFoundException);
    await expect(client.send(new ListAccountsForParentCommand({ ParentId: 'Sandbox' }))).rejects.toBeInstanceOf(InvalidInputException);
  });
});
