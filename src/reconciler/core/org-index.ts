import { OrgAccount, OrgSnapshot, OrgUnit } from './snapshot';
import { isIdentifier } from '../config/identifiers';

/** A reference resolved, or why not: `notFound` when the service answered that it does not exist (not a failed lookup). */
export type Resolution<T> = { readonly value: T } | { readonly error: string; readonly notFound?: boolean };

/** Lookups over an organization snapshot: OU paths, names and subtrees, accounts by name, id or tag. */
export class OrgIndex {
  private readonly childUnits = new Map<string, OrgUnit[]>();
  private readonly childAccounts = new Map<string, OrgAccount[]>();
  private readonly unitsByName = new Map<string, OrgUnit[]>();
  private readonly accountsByName = new Map<string, OrgAccount[]>();

  constructor(public readonly snapshot: OrgSnapshot) {
    for (const unit of snapshot.units.values()) {
      if (unit.parentId !== undefined) push(this.childUnits, unit.parentId, unit);
      push(this.unitsByName, unit.name, unit);
    }
    for (const account of snapshot.accounts.values()) {
      push(this.childAccounts, account.parentId, account);
      push(this.accountsByName, account.name, account);
    }
  }

  get root(): OrgUnit {
    return this.snapshot.units.get(this.snapshot.rootId)!;
  }

  /** `Root/Workloads/Prod` for an OU, `Root` for the root. */
  pathOf(unitId: string): string {
    const names: string[] = [];
    for (let unit = this.snapshot.units.get(unitId); unit; unit = unit.parentId ? this.snapshot.units.get(unit.parentId) : undefined) {
      names.unshift(unit.name);
    }
    return names.join('/');
  }

  /**
   * An OU by id (`ou-...`, or `r-...` for the root), by path (`Root/Workloads/Prod`, or without the
   * leading root name) or by a name that must be unique in the organization.
   */
  resolveUnit(ref: string): Resolution<OrgUnit> {
    if (isIdentifier('organizationalUnitId', ref) || isIdentifier('rootId', ref)) {
      const unit = this.snapshot.units.get(ref);
      if (unit) return { value: unit };
      // OU names are free text, so an OU may be named like an id (ids are unique: the id wins).
      if (!this.unitsByName.has(ref)) return { error: `organizational unit ${ref} does not exist` };
    }
    if (ref.includes('/')) return this.resolvePath(ref);
    const matches = this.unitsByName.get(ref) ?? [];
    if (matches.length === 1) return { value: matches[0] };
    if (matches.length === 0) return { error: `no organizational unit is named '${ref}'` };
    return { error: `organizational unit name '${ref}' is ambiguous (${matches.map((u) => this.pathOf(u.id)).sort().join(', ')}); use its path or id` };
  }

  /** Accounts in the OU, and in every OU below it when `nested`. */
  accountsUnder(unitId: string, nested: boolean): OrgAccount[] {
    const result = [...(this.childAccounts.get(unitId) ?? [])];
    if (nested) {
      for (const child of this.childUnits.get(unitId) ?? []) result.push(...this.accountsUnder(child.id, true));
    }
    return result;
  }

  /**
   * An account by 12-digit id (in any state), or by a name that must be unique among ACTIVE
   * accounts: account names are not unique, and a closed account keeps its name (listed for 90
   * days at least) while a new account may take it. A name only inactive accounts have resolves to
   * one of them, which is never targeted.
   */
  resolveAccount(ref: string): Resolution<OrgAccount> {
    if (isIdentifier('accountId', ref)) {
      const account = this.snapshot.accounts.get(ref);
      return account ? { value: account } : { error: `account ${ref} is not in the organization` };
    }
    const named = this.accountsByName.get(ref) ?? [];
    const matches = named.filter((a) => a.status === 'ACTIVE');
    if (matches.length === 1) return { value: matches[0] };
    if (matches.length === 0) return named.length > 0 ? { value: named[0] } : { error: `no account is named '${ref}'`, notFound: true };
    return { error: `account name '${ref}' is ambiguous (${matches.map((a) => a.id).sort().join(', ')}); use the account id` };
  }

  accountsWithTag(key: string, value: string): OrgAccount[] {
    const tags = this.snapshot.tags;
    if (!tags) throw new Error('account tags were not read for this run');
    return [...this.snapshot.accounts.values()].filter((a) => tags.get(a.id)?.[key] === value);
  }

  allAccounts(): OrgAccount[] {
    return [...this.snapshot.accounts.values()];
  }

  private resolvePath(path: string): Resolution<OrgUnit> {
    const segments = path.split('/').filter((s) => s.length > 0);
    if (segments[0] === this.root.name) segments.shift();
    let unit = this.root;
    for (const segment of segments) {
      // OU names are unique among siblings (DuplicateOrganizationalUnitException), so a path is unambiguous.
      const next = (this.childUnits.get(unit.id) ?? []).find((u) => u.name === segment);
      if (!next) return { error: `organizational unit path '${path}' does not exist (no '${segment}' under ${this.pathOf(unit.id)})` };
      unit = next;
    }
    return { value: unit };
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
