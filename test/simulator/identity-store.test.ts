import {
  DescribeGroupCommand, DescribeUserCommand, GetUserIdCommand, IdentitystoreClient, paginateListGroups, ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-identitystore';
import { AwsSimulator } from '../../simulator';

describe('Identity Store', () => {
  let sim: AwsSimulator;
  beforeAll(async () => {
    sim = await AwsSimulator.start({ seed: 17, pagination: { shortPageProbability: 0.3, emptyPageProbability: 0.1 } });
  });
  afterAll(async () => sim.stop());
  afterEach(() => expect(sim.unexpectedErrors).toEqual([]));

  test('users resolve by userName and describe with their e-mail; groups describe and list to the end', async () => {
    const client = new IdentitystoreClient(sim.clientConfig());
    const IdentityStoreId = sim.identityStore.identityStoreId;
    const jane = sim.identityStore.createUser('jane@example.com', { displayName: 'Jane Doe' });
    const groups = Array.from({ length: 150 }, (_, i) => sim.identityStore.createGroup(`G-${i}`));
    const { UserId } = await client.send(new GetUserIdCommand({
      IdentityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'jane@example.com' } },
    }));
    expect(UserId).toBe(jane.id);
    const user = await client.send(new DescribeUserCommand({ IdentityStoreId, UserId }));
    expect(user).toMatchObject({ UserName: 'jane@example.com', DisplayName: 'Jane Doe', Emails: [{ Value: 'jane@example.com', Primary: true }] });
    expect((await client.send(new DescribeGroupCommand({ IdentityStoreId, GroupId: groups[7].id }))).DisplayName).toBe('G-7');
    const listed: string[] = [];
    for await (const page of paginateListGroups({ client, pageSize: 40 }, { IdentityStoreId })) listed.push(...page.Groups!.map((g) => g.GroupId!));
    expect(listed.sort()).toEqual(groups.map((g) => g.id).sort());
    await expect(client.send(new GetUserIdCommand({
      IdentityStoreId, AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: 'jane@example.com' } },
    }))).rejects.toBeInstanceOf(ValidationException);
    await expect(client.send(new DescribeGroupCommand({ IdentityStoreId: 'd-0000000000', GroupId: groups[0].id }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
