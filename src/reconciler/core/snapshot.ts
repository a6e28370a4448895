import { mapLimit } from './concurrency';
import { OrganizationsPort } from './ports';

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED' | string;

export interface OrgAccount {
  readonly id: string;
  readonly name: string;
  readonly status: AccountStatus;
  readonly parentId: string;
}

export interface OrgUnit {
  readonly id: string;
  readonly name: string;
  /** Undefined for the root. */
  readonly parentId?: string;
}

/** The organization as read at the start of a run. */
export interface OrgSnapshot {
  readonly rootId: string;
  readonly units: ReadonlyMap<string, OrgUnit>;
  readonly accounts: ReadonlyMap<string, OrgAccount>;
  /** Only read when a rule targets tags. */
  readonly tags?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Accounts whose tags are not known yet (the cache is still filling): tag rules are incomplete. */
  readonly tagsUnread?: ReadonlySet<string>;
}

/**
 * Reads the OU tree breadth first and every account under it (each list paginated to the end by
 * the adapter), and account tags only when a rule needs them. Any failure rejects: a partial
 * organization must never be mistaken for the whole one.
 */
export async function readOrganization(
  port: OrganizationsPort, options: { withTags: boolean; concurrency: number; withAccounts?: boolean },
): Promise<OrgSnapshot> {
  const roots = await port.listRoots();
  if (roots.length !== 1) throw new Error(`expected one organization root, found ${roots.length}`);
  const root: OrgUnit = { id: roots[0].id, name: roots[0].name };
  const units = new Map<string, OrgUnit>([[root.id, root]]);
  const accounts = new Map<string, OrgAccount>();

  let level: OrgUnit[] = [root];
  while (level.length > 0) {
    const children = await mapLimit(level, options.concurrency, async (parent) => {
      const [ous, accs] = await Promise.all([
        port.listOrganizationalUnits(parent.id), options.withAccounts === false ? [] : port.listAccounts(parent.id),
      ]);
      for (const a of accs) accounts.set(a.id, { id: a.id, name: a.name, status: a.status, parentId: parent.id });
      return ous.map((ou): OrgUnit => ({ id: ou.id, name: ou.name, parentId: parent.id }));
    });
    level = children.flat();
    for (const unit of level) units.set(unit.id, unit);
  }

  let tags: Map<string, Record<string, string>> | undefined;
  if (options.withTags) {
    const ids = [...accounts.keys()];
    const values = await mapLimit(ids, options.concurrency, (id) => port.listAccountTags(id));
    tags = new Map(ids.map((id, i) => [id, values[i]]));
  }
  return { rootId: root.id, units, accounts, tags };
}

/**
 * The OU tree (every unit, no account) and the named accounts alone, each placed by ListParents: what
 * deciding those accounts' assignments needs, at a fraction of the whole organization's reads (one
 * call per OU instead of one per 20 accounts).
 */
export async function readAccountsInTree(port: OrganizationsPort, accountIds: readonly string[], concurrency: number): Promise<OrgSnapshot> {
  const tree = await readOrganization(port, { withTags: false, concurrency, withAccounts: false });
  const accounts = new Map<string, OrgAccount>();
  // An account that cannot be read (it left already, say) is left out: the others are decided all the same.
  await mapLimit([...accountIds], concurrency, async (id) => {
    const read = await Promise.all([port.describeAccount(id), port.parentOf(id)]).catch(() => undefined);
    if (read) accounts.set(id, { id, name: read[0].name, status: read[0].status, parentId: read[1] });
  });
  return { ...tree, accounts };
}
