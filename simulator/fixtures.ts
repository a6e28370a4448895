import type { AwsSimulator } from './aws-simulator';
import { hashString, SeededRandom } from './core/seeded-random';
import { AccountStatus } from './services/organizations/organizations-model';

export interface OrganizationFixtureOptions {
  /** Member accounts, besides the management account. */
  readonly accounts: number;
  /** Levels of OUs under the root (Organizations allows 5). @default 2 */
  readonly ouDepth?: number;
  /** Child OUs of each root/OU, one number for every level or one per level. @default 3 */
  readonly ousPerLevel?: number | readonly number[];
  /** Stop creating OUs at this total (breadth first). @default no cap */
  readonly organizationalUnits?: number;
  /**
   * Account tags: keys with their possible values, or only keys (values `<key>-0` to `<key>-3`).
   * Each account gets one value per key. @default { env: ['prod', 'staging', 'dev', 'sandbox'] }
   */
  readonly tagKeys?: readonly string[] | Readonly<Record<string, readonly string[]>>;
  /** How many member accounts are SUSPENDED. @default 0 */
  readonly suspendedAccounts?: number;
  /** Identity Store groups. @default 0 */
  readonly groups?: number;
  /** Identity Store users. @default 0 */
  readonly users?: number;
  /** Permission sets in the Identity Center instance. @default 0 */
  readonly permissionSets?: number;
  /** Random existing assignments (group x permission set x ACTIVE account), as other tools leave them. @default 0 */
  readonly existingAssignments?: number;
  /** Seed of the layout (which account goes where, tags, suspensions). @default 1 */
  readonly seed?: number;
}

export interface FixtureOrganizationalUnit {
  readonly id: string;
  readonly name: string;
  /** `Root/Workloads/Prod`. */
  readonly path: string;
  readonly parentId: string;
  /** 1 for children of the root. */
  readonly depth: number;
}

export interface FixtureAccount {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly parentId: string;
  /** `Root/Workloads/Prod`, or `Root`. */
  readonly parentPath: string;
  readonly status: AccountStatus;
  readonly tags: Readonly<Record<string, string>>;
}

/** A plain description of what was built, so tests and benchmarks can target real names. */
export interface OrganizationFixture {
  readonly organizationId: string;
  readonly rootId: string;
  readonly managementAccountId: string;
  readonly instanceArn: string;
  readonly identityStoreId: string;
  readonly organizationalUnits: readonly FixtureOrganizationalUnit[];
  /** Member accounts (the management account is not listed). */
  readonly accounts: readonly FixtureAccount[];
  readonly groups: ReadonlyArray<{ readonly id: string; readonly displayName: string }>;
  readonly users: ReadonlyArray<{ readonly id: string; readonly userName: string }>;
  readonly permissionSets: ReadonlyArray<{ readonly arn: string; readonly name: string }>;
}

const TOP_LEVEL_NAMES = ['Workloads', 'Infrastructure', 'Security', 'Sandbox', 'Policy Staging', 'Deployments', 'Exceptions', 'Transitional', 'Business Continuity', 'Suspended'];
const NESTED_NAMES = ['Prod', 'NonProd', 'Dev', 'Test', 'Shared', 'Data', 'Analytics', 'Apps', 'Platform', 'Network'];
const PERMISSION_SET_NAMES = ['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess', 'Billing', 'SecurityAudit', 'NetworkAdministrator', 'DatabaseAdministrator',
  'DataScientist', 'SupportUser', 'ViewOnlyAccess'];

/**
 * Builds an organization of any size into a simulator: nested OUs (names repeat across branches,
 * like real trees where several OUs are called "Prod"), tagged accounts spread over them, some
 * suspended, groups, users and permission sets. Model methods only: no API calls, no quotas.
 */
export function buildOrganization(sim: AwsSimulator, options: OrganizationFixtureOptions): OrganizationFixture {
  const random = new SeededRandom(hashString(`fixture:${options.seed ?? 1}`));
  const org = sim.organizations;
  const ous = buildOrganizationalUnits(sim, options);
  const parents = [{ id: org.rootId, path: 'Root' }, ...ous];
  const tagChoices = tagValues(options.tagKeys ?? { env: ['prod', 'staging', 'dev', 'sandbox'] });

  const suspended = new Set(random.sample(options.accounts, Math.min(options.suspendedAccounts ?? 0, options.accounts)));
  const accounts: FixtureAccount[] = [];
  for (let i = 0; i < options.accounts; i++) {
    const parent = parents[random.int(0, parents.length - 1)];
    const tags = Object.fromEntries(tagChoices.map(([key, values]) => [key, random.pick(values)]));
    const status: AccountStatus = suspended.has(i) ? 'SUSPENDED' : 'ACTIVE';
    const leaf = parent.path.split('/').pop()!.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const account = org.createAccount({ name: `${leaf}-${String(i + 1).padStart(5, '0')}`, parentId: parent.id, status, tags });
    accounts.push({ id: account.id, name: account.name, email: account.email, parentId: parent.id, parentPath: parent.path, status, tags });
  }

  const groups = Array.from({ length: options.groups ?? 0 }, (_, i) => {
    const group = sim.identityStore.createGroup(`GRP-AWS-${String(i + 1).padStart(4, '0')}`, `Fixture group ${i + 1}`);
    return { id: group.id, displayName: group.displayName };
  });
  const users = Array.from({ length: options.users ?? 0 }, (_, i) => {
    const user = sim.identityStore.createUser(`user${String(i + 1).padStart(4, '0')}@example.com`);
    return { id: user.id, userName: user.userName };
  });
  const permissionSets = Array.from({ length: options.permissionSets ?? 0 }, (_, i) => {
    const name = i < PERMISSION_SET_NAMES.length ? PERMISSION_SET_NAMES[i] : `CustomPermissionSet${i + 1}`;
    const ps = sim.identityCenter.createPermissionSet({ name, managedPolicies: [`arn:aws:iam::aws:policy/${PERMISSION_SET_NAMES[i % PERMISSION_SET_NAMES.length]}`] });
    return { arn: ps.arn, name };
  });

  plantAssignments(sim, random, options.existingAssignments ?? 0, groups, permissionSets, accounts.filter((a) => a.status === 'ACTIVE'));

  return {
    organizationId: org.organizationId,
    rootId: org.rootId,
    managementAccountId: org.managementAccountId,
    instanceArn: sim.identityCenter.instanceArn,
    identityStoreId: sim.identityStore.identityStoreId,
    organizationalUnits: ous,
    accounts,
    groups,
    users,
    permissionSets,
  };
}

function buildOrganizationalUnits(sim: AwsSimulator, options: OrganizationFixtureOptions): FixtureOrganizationalUnit[] {
  const org = sim.organizations;
  const depth = options.ouDepth ?? 2;
  const cap = options.organizationalUnits ?? Infinity;
  const perLevel = (level: number) => (typeof options.ousPerLevel === 'number' || options.ousPerLevel === undefined
    ? options.ousPerLevel ?? 3
    : options.ousPerLevel[Math.min(level - 1, options.ousPerLevel.length - 1)]);
  const created: FixtureOrganizationalUnit[] = [];
  let frontier = [{ id: org.rootId, path: 'Root' }];
  for (let level = 1; level <= depth && created.length < cap; level++) {
    const next: typeof frontier = [];
    for (const parent of frontier) {
      for (let i = 0; i < perLevel(level) && created.length < cap; i++) {
        const names = level === 1 ? TOP_LEVEL_NAMES : NESTED_NAMES;
        const name = i < names.length ? names[i] : `${names[i % names.length]}${Math.floor(i / names.length) + 1}`;
        const ou = org.createOrganizationalUnit(parent.id, name);
        const described = { id: ou.id, name, path: `${parent.path}/${name}`, parentId: parent.id, depth: level };
        created.push(described);
        next.push(described);
      }
    }
    frontier = next;
  }
  return created;
}

function tagValues(tagKeys: NonNullable<OrganizationFixtureOptions['tagKeys']>): Array<[string, readonly string[]]> {
  if (Array.isArray(tagKeys)) return (tagKeys as readonly string[]).map((key) => [key, [0, 1, 2, 3].map((n) => `${key}-${n}`)]);
  return Object.entries(tagKeys as Readonly<Record<string, readonly string[]>>);
}

function plantAssignments(
  sim: AwsSimulator, random: SeededRandom, count: number,
  groups: ReadonlyArray<{ id: string }>, permissionSets: ReadonlyArray<{ arn: string }>, accounts: readonly FixtureAccount[],
): void {
  if (count === 0) return;
  if (groups.length === 0 || permissionSets.length === 0 || accounts.length === 0) throw new Error('existingAssignments needs groups, permission sets and active accounts');
  const possible = groups.length * permissionSets.length * accounts.length;
  if (count > possible / 2) throw new Error(`existingAssignments (${count}) must be at most half of the ${possible} possible triples`);
  let planted = 0;
  while (planted < count) {
    const assignment = {
      accountId: random.pick(accounts).id,
      permissionSetArn: random.pick(permissionSets).arn,
      principalType: 'GROUP' as const,
      principalId: random.pick(groups).id,
    };
    if (sim.identityCenter.hasAssignment(assignment)) continue;
    sim.identityCenter.addAssignment(assignment);
    planted++;
  }
}
