import { SeededRandom } from '../../core/seeded-random';
import { SortedKeyIndex } from '../../core/sorted-key-index';

/**
 * An account's `State`, the five values of the Organizations API reference (API_Account.html):
 * PENDING_ACTIVATION (sign-up started but not completed), ACTIVE, SUSPENDED, PENDING_CLOSURE
 * (CloseAccount in progress) and CLOSED (the 90-day post-closure period is over). The older
 * `Status` (ACTIVE | SUSPENDED | PENDING_CLOSURE) "will be retired on September 9, 2026"
 * (DescribeAccount / ListAccounts reference), so the simulator, running after that date, returns
 * `State` only. A closed account stays listed (AWS does not say when it stops appearing; the
 * simulator keeps it, the less convenient answer), and account names are not unique: only the
 * email must be (CreateAccount reference), so a new account may take a closed one's name.
 */
export type AccountStatus = 'PENDING_ACTIVATION' | 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';

export interface OrganizationAccount {
  readonly id: string;
  readonly arn: string;
  name: string;
  readonly email: string;
  status: AccountStatus;
  readonly joinedMethod: 'CREATED' | 'INVITED';
  readonly joinedTimestamp: number;
  parentId: string;
  readonly tags: Map<string, string>;
}

export interface OrganizationalUnitRecord {
  readonly id: string;
  readonly arn: string;
  name: string;
  readonly parentId: string;
}

export interface CreateAccountOptions {
  readonly name: string;
  /** @default the root */
  readonly parentId?: string;
  /** @default '<name>@example.com' in lower case, spaces as dashes */
  readonly email?: string;
  /** @default 'ACTIVE' */
  readonly status?: AccountStatus;
  readonly tags?: Record<string, string>;
  /** A fixed 12-digit id. @default drawn under the seed */
  readonly id?: string;
}

interface Children {
  readonly accounts: SortedKeyIndex<OrganizationAccount>;
  readonly organizationalUnits: SortedKeyIndex<OrganizationalUnitRecord>;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** "OU maximum nesting in a root: Five levels of OUs deep under a root." (orgs_reference_limits) */
const MAX_OU_DEPTH = 5;

/**
 * One organization: a root, nested OUs and accounts, with the management account in the root.
 * Id shapes follow the Organizations API reference: `o-` + 10, `r-` + 4, `ou-<root suffix>-` + 8
 * lower-case alphanumerics, 12-digit account ids
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html).
 * Model methods are for arranging fixtures; they throw plain errors on misuse.
 */
export class OrganizationsModel {
  public readonly organizationId: string;
  public readonly rootId: string;
  public readonly managementAccountId: string;
  /** Every account by id. */
  public readonly accountIndex = new SortedKeyIndex<OrganizationAccount>();
  private readonly ous = new Map<string, OrganizationalUnitRecord>();
  private readonly children = new Map<string, Children>();
  private readonly usedAccountIds = new Set<string>();

  constructor(private readonly random: SeededRandom, private readonly now: () => number, managementAccountName = 'Management') {
    this.organizationId = `o-${random.chars(10, ID_ALPHABET)}`;
    this.rootId = `r-${random.chars(4, ID_ALPHABET)}`;
    this.children.set(this.rootId, emptyChildren());
    this.managementAccountId = this.createAccount({ name: managementAccountName }).id;
  }

  public get organizationArn(): string {
    return `arn:aws:organizations::${this.managementAccountId}:organization/${this.organizationId}`;
  }

  public get rootArn(): string {
    return `arn:aws:organizations::${this.managementAccountId}:root/${this.organizationId}/${this.rootId}`;
  }

  public get managementAccount(): OrganizationAccount {
    return this.requireAccount(this.managementAccountId);
  }

  public createOrganizationalUnit(parentId: string, name: string): OrganizationalUnitRecord {
    const parent = this.requireParent(parentId);
    if (this.depthOf(parentId) >= MAX_OU_DEPTH) throw new Error(`OUs nest at most ${MAX_OU_DEPTH} levels under the root (parent ${parentId})`);
    if ([...parent.organizationalUnits.values()].some((ou) => ou.name === name)) throw new Error(`an OU named '${name}' already exists in ${parentId}`);
    let id: string;
    do id = `ou-${this.rootId.slice(2)}-${this.random.chars(8, ID_ALPHABET)}`; while (this.ous.has(id));
    const ou: OrganizationalUnitRecord = {
      id,
      arn: `arn:aws:organizations::${this.managementAccountId}:ou/${this.organizationId}/${id}`,
      name,
      parentId,
    };
    this.ous.set(id, ou);
    this.children.set(id, emptyChildren());
    parent.organizationalUnits.set(id, ou);
    return ou;
  }

  public createAccount(options: CreateAccountOptions): OrganizationAccount {
    const parentId = options.parentId ?? this.rootId;
    const parent = this.requireParent(parentId);
    const id = options.id ?? this.newAccountId();
    if (!/^\d{12}$/.test(id)) throw new Error(`account ids have 12 digits, got '${id}'`);
    if (this.usedAccountIds.has(id)) throw new Error(`account ${id} already exists`);
    this.usedAccountIds.add(id);
    const account: OrganizationAccount = {
      id,
      // The management account id is not known while the management account itself is created.
      arn: `arn:aws:organizations::${this.managementAccountId ?? id}:account/${this.organizationId}/${id}`,
      name: options.name,
      email: options.email ?? `${options.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.com`,
      status: options.status ?? 'ACTIVE',
      joinedMethod: 'CREATED',
      joinedTimestamp: this.now(),
      parentId,
      tags: new Map(Object.entries(options.tags ?? {})),
    };
    this.accountIndex.set(id, account);
    parent.accounts.set(id, account);
    return account;
  }

  public moveAccount(accountId: string, destinationParentId: string): void {
    const account = this.requireAccount(accountId);
    const destination = this.requireParent(destinationParentId);
    this.requireParent(account.parentId).accounts.delete(accountId);
    account.parentId = destinationParentId;
    destination.accounts.set(accountId, account);
  }

  /** Sets the account's `State` directly (closure, suspension by AWS, a sign-up left unfinished). */
  public setAccountStatus(accountId: string, status: AccountStatus): void {
    this.requireAccount(accountId).status = status;
  }

  /**
   * CloseAccount: "While the close account request is in progress, Account status will indicate
   * PENDING_CLOSURE. When the close account request completes, the status will change to SUSPENDED";
   * after 90 days the account can no longer be reopened (API_CloseAccount.html), its State then CLOSED.
   */
  public closeAccount(accountId: string, stage: 'PENDING_CLOSURE' | 'SUSPENDED' | 'CLOSED' = 'SUSPENDED'): void {
    if (accountId === this.managementAccountId) throw new Error('the management account cannot be closed with CloseAccount');
    this.setAccountStatus(accountId, stage);
  }

  public tagAccount(accountId: string, tags: Record<string, string>): void {
    const account = this.requireAccount(accountId);
    for (const [key, value] of Object.entries(tags)) account.tags.set(key, value);
  }

  public untagAccount(accountId: string, keys: readonly string[]): void {
    const account = this.requireAccount(accountId);
    for (const key of keys) account.tags.delete(key);
  }

  /** The account leaves the organization (RemoveAccountFromOrganization, or closure completed). */
  public removeAccount(accountId: string): void {
    if (accountId === this.managementAccountId) throw new Error('the management account cannot leave its organization');
    const account = this.requireAccount(accountId);
    this.requireParent(account.parentId).accounts.delete(accountId);
    this.accountIndex.delete(accountId);
  }

  public renameOrganizationalUnit(ouId: string, name: string): void {
    this.requireOrganizationalUnit(ouId).name = name;
  }

  /** Like DeleteOrganizationalUnit, refuses an OU that still has accounts or OUs. */
  public deleteOrganizationalUnit(ouId: string): void {
    const ou = this.requireOrganizationalUnit(ouId);
    const children = this.requireParent(ouId);
    if (children.accounts.size > 0 || children.organizationalUnits.size > 0) throw new Error(`OU ${ouId} is not empty`);
    this.requireParent(ou.parentId).organizationalUnits.delete(ouId);
    this.ous.delete(ouId);
    this.children.delete(ouId);
  }

  public account(accountId: string): OrganizationAccount | undefined {
    return this.accountIndex.get(accountId);
  }

  public organizationalUnit(ouId: string): OrganizationalUnitRecord | undefined {
    return this.ous.get(ouId);
  }

  public accounts(): OrganizationAccount[] {
    return [...this.accountIndex.values()];
  }

  public organizationalUnits(): OrganizationalUnitRecord[] {
    return [...this.ous.values()];
  }

  /** Children of a root or OU, undefined when the parent does not exist. */
  public childrenOf(parentId: string): Children | undefined {
    return this.children.get(parentId);
  }

  /** Human path of a root or OU: `Root/Workloads/Prod`. */
  public pathOf(parentId: string): string {
    if (parentId === this.rootId) return 'Root';
    const ou = this.requireOrganizationalUnit(parentId);
    return `${this.pathOf(ou.parentId)}/${ou.name}`;
  }

  /** Organizations' own path of an entity: `o-x/r-y/ou-a/ou-b/` (the `Path` and `Paths` members). */
  public idPathOf(parentId: string): string {
    if (parentId === this.rootId) return `${this.organizationId}/${this.rootId}/`;
    const ou = this.requireOrganizationalUnit(parentId);
    return `${this.idPathOf(ou.parentId)}${ou.id}/`;
  }

  private depthOf(parentId: string): number {
    return parentId === this.rootId ? 0 : 1 + this.depthOf(this.requireOrganizationalUnit(parentId).parentId);
  }

  private newAccountId(): string {
    let id: string;
    do id = String(this.random.int(100000000000, 999999999999)); while (this.usedAccountIds.has(id));
    return id;
  }

  private requireAccount(accountId: string): OrganizationAccount {
    const account = this.accountIndex.get(accountId);
    if (!account) throw new Error(`no account ${accountId} in the organization`);
    return account;
  }

  private requireOrganizationalUnit(ouId: string): OrganizationalUnitRecord {
    const ou = this.ous.get(ouId);
    if (!ou) throw new Error(`no OU ${ouId} in the organization`);
    return ou;
  }

  private requireParent(parentId: string): Children {
    const children = this.children.get(parentId);
    if (!children) throw new Error(`no root or OU ${parentId} in the organization`);
    return children;
  }
}

function emptyChildren(): Children {
  return { accounts: new SortedKeyIndex(), organizationalUnits: new SortedKeyIndex() };
}
