import { DescribeGroupCommand, DescribeUserCommand, GetGroupIdCommand, GetUserIdCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { PrincipalId, PrincipalType } from '../core/model';
import { IdentityStorePort, PrincipalNamePort } from '../core/ports';

const notFound = (e: unknown) => (e as Error).name === 'ResourceNotFoundException';

/** Identity Store lookups by display name, user name or id; "not found" is an answer, not a failure. */
export class IdentityStoreAdapter implements IdentityStorePort, PrincipalNamePort {
  constructor(private readonly client: IdentitystoreClient, private readonly identityStoreId: string) {}

  async findGroupId(displayName: string) {
    return this.lookup(() => this.client.send(new GetGroupIdCommand({
      IdentityStoreId: this.identityStoreId,
      AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: displayName } },
    })).then((r) => r.GroupId));
  }

  async findUserId(userName: string) {
    return this.lookup(() => this.client.send(new GetUserIdCommand({
      IdentityStoreId: this.identityStoreId,
      AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: userName } },
    })).then((r) => r.UserId));
  }

  async principalExists(principalType: PrincipalType, id: string) {
    const found = await this.lookup(() => principalType === 'GROUP'
      ? this.client.send(new DescribeGroupCommand({ IdentityStoreId: this.identityStoreId, GroupId: id })).then((r) => r.GroupId)
      : this.client.send(new DescribeUserCommand({ IdentityStoreId: this.identityStoreId, UserId: id })).then((r) => r.UserId));
    return found !== undefined;
  }

  async principalName(p: PrincipalId) {
    return this.lookup(() => p.principalType === 'GROUP'
      ? this.client.send(new DescribeGroupCommand({ IdentityStoreId: this.identityStoreId, GroupId: p.principalId })).then((r) => r.DisplayName)
      : this.client.send(new DescribeUserCommand({ IdentityStoreId: this.identityStoreId, UserId: p.principalId })).then((r) => r.UserName));
  }

  private async lookup(call: () => Promise<string | undefined>): Promise<string | undefined> {
    try {
      return await call();
    } catch (e) {
      if (notFound(e)) return undefined;
      throw e;
    }
  }
}
