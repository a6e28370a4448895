import { SeededRandom } from '../../core/seeded-random';
import { SortedKeyIndex } from '../../core/sorted-key-index';

export interface StoreGroup {
  readonly id: string;
  readonly displayName: string;
  readonly description?: string;
}

export interface StoreUser {
  readonly id: string;
  readonly userName: string;
  readonly displayName: string;
  readonly email: string;
}

/**
 * Users and groups of the identity store. Ids have the shape IAM Identity Center uses,
 * ten hex digits, a dash and a UUID (PrincipalId pattern `^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-...$`,
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreateAccountAssignment.html).
 */
export class IdentityStoreModel {
  public readonly groupIndex = new SortedKeyIndex<StoreGroup>();
  public readonly userIndex = new SortedKeyIndex<StoreUser>();
  private readonly groupsByName = new Map<string, StoreGroup>();
  private readonly usersByName = new Map<string, StoreUser>();
  private readonly idPrefix: string;

  constructor(private readonly random: SeededRandom, public readonly identityStoreId: string) {
    this.idPrefix = random.hex(10);
  }

  /** Display names are unique in an identity store. */
  public createGroup(displayName: string, description?: string): StoreGroup {
    if (this.groupsByName.has(displayName)) throw new Error(`a group named '${displayName}' already exists`);
    const group: StoreGroup = { id: this.newId(), displayName, description };
    this.groupIndex.set(group.id, group);
    this.groupsByName.set(displayName, group);
    return group;
  }

  public createUser(userName: string, options: { displayName?: string; email?: string } = {}): StoreUser {
    if (this.usersByName.has(userName)) throw new Error(`a user named '${userName}' already exists`);
    const user: StoreUser = {
      id: this.newId(),
      userName,
      displayName: options.displayName ?? userName,
      email: options.email ?? (userName.includes('@') ? userName : `${userName}@example.com`),
    };
    this.userIndex.set(user.id, user);
    this.usersByName.set(userName, user);
    return user;
  }

  public deleteGroup(groupId: string): void {
    const group = this.groupIndex.get(groupId);
    if (!group) throw new Error(`no group ${groupId}`);
    this.groupIndex.delete(groupId);
    this.groupsByName.delete(group.displayName);
  }

  public deleteUser(userId: string): void {
    const user = this.userIndex.get(userId);
    if (!user) throw new Error(`no user ${userId}`);
    this.userIndex.delete(userId);
    this.usersByName.delete(user.userName);
  }

  public groupByName(displayName: string): StoreGroup | undefined {
    return this.groupsByName.get(displayName);
  }

  public userByName(userName: string): StoreUser | undefined {
    return this.usersByName.get(userName);
  }

  public hasPrincipal(type: 'USER' | 'GROUP', id: string): boolean {
    return type === 'GROUP' ? this.groupIndex.has(id) : this.userIndex.has(id);
  }

  public groups(): StoreGroup[] {
    return [...this.groupIndex.values()];
  }

  public users(): StoreUser[] {
    return [...this.userIndex.values()];
  }

  private newId(): string {
    return `${this.idPrefix}-${this.random.uuid()}`;
  }
}
