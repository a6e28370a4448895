import {
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
        // `State` supersedes `Status` (it adds CLOSED and PENDING_ACTIVATION); either way only ACTIVE is targeted.
        const state = (a as { State?: string }).State;
        accounts.push({ id: a.Id!, name: a.Name ?? a.Id!, status: state ?? a.Status ?? 'UNKNOWN' });
      }
    }
    return accounts;
  }

  async listAccountTags(accountId: string) {
    const tags: Record<string, string> = {};
    for await (const page of paginateListTagsForResource({ client: this.client }, { ResourceId: accountId })) {
      for (const t of page.Tags ?? []) tags[t.Key!] = t.Value ?? '';
    }
    return tags;
  }
}
