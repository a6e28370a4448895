import {
  DescribeAccountCommand,
  ListParentsCommand,
  OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
  paginateListTagsForResource,
} from '@aws-sdk/client-organizations';
import { OrganizationsPort } from '../core/ports';

/** Organizations through the SDK; every list is paginated to the end (short and empty pages included). */
export class OrganizationsAdapter implements OrganizationsPort {
  constructor(private readonly client: OrganizationsClient) {}

  async listRoots() {
    const roots: Array<{ id: string; name: string }> = [];
    for await (const page of paginateListRoots({ client: this.client }, {})) {
      for (const r of page.Roots ?? []) roots.push({ id: r.Id!, name: r.Name ?? 'Root' });
    }
    return roots;
  }

  async listOrganizationalUnits(parentId: string) {
    const units: Array<{ id: string; name: string }> = [];
    for await (const page of paginateListOrganizationalUnitsForParent({ client: this.client }, { ParentId: parentId })) {
      for (const u of page.OrganizationalUnits ?? []) units.push({ id: u.Id!, name: u.Name! });
    }
    return units;
  }

  async listAccounts(parentId: string) {
    const accounts: Array<{ id: string; name: string; status: string }> = [];
    for await (const page of paginateListAccountsForParent({ client: this.client }, { ParentId: parentId })) {
      for (const a of page.Accounts ?? []) {
        accounts.push(accountOf(a));
      }
    }
    return accounts;
  }

  async describeAccount(accountId: string) {
    const { Account: account } = await this.client.send(new DescribeAccountCommand({ AccountId: accountId }));
    if (!account) throw new Error(`DescribeAccount returned no account for ${accountId}`);
    return accountOf(account);
  }

  async parentOf(childId: string) {
    // An account or OU has exactly one parent (ListParents: "In the current release, a child can have only a single parent").
    const { Parents: parents } = await this.client.send(new ListParentsCommand({ ChildId: childId }));
    const id = parents?.[0]?.Id;
    if (!id) throw new Error(`ListParents returned no parent for ${childId}`);
    return id;
  }

  async listAccountTags(accountId: string) {
    const tags: Record<string, string> = {};
    for await (const page of paginateListTagsForResource({ client: this.client }, { ResourceId: accountId })) {
      for (const t of page.Tags ?? []) tags[t.Key!] = t.Value ?? '';
    }
    return tags;
  }
}

function accountOf(a: { Id?: string; Name?: string; Status?: string }): { id: string; name: string; status: string } {
  // `State` supersedes `Status` (it adds CLOSED and PENDING_ACTIVATION); either way only ACTIVE is targeted.
  const state = (a as { State?: string }).State;
  return { id: a.Id!, name: a.Name ?? a.Id!, status: state ?? a.Status ?? 'UNKNOWN' };
}
