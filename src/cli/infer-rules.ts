// Pure: the fewest targets that select exactly the accounts where a (principal, permission set)
// pair holds today, as the reconciler will read them (computeDesired over the same organization).
import { BaseTargetDocument, TargetDocument } from '../reconciler/config/document';
import { Assignment, PrincipalId, pairKey } from '../reconciler/core/model';
import { OrgIndex } from '../reconciler/core/org-index';
import { OrgAccount, OrgUnit } from '../reconciler/core/snapshot';

/** One rule of the import: this pair, these accounts. */
export interface InferredRule {
  readonly principal: PrincipalId;
  readonly permissionSetArn: string;
  readonly target: TargetDocument;
}

/** An assignment no rule can reproduce, and why: rules never target it, and the reconciler leaves it alone. */
export interface LeftOut {
  readonly assignment: Assignment;
  readonly reason: string;
}

export interface Inference {
  readonly rules: InferredRule[];
  readonly leftOut: LeftOut[];
}

/**
 * Per pair, a cover of the eligible accounts it holds, chosen per OU of the tree from the bottom up,
 * whichever needs the fewest targets and exclusions (on a tie, the narrowest: accounts, then the OU,
 * then the OU's direct children only):
 * - the OU and everything below (`allAccounts()` at the root), excluding the accounts and whole
 *   child OUs it does not hold;
 * - the OU's direct accounts only (`includeNested: false`), excluding those it does not hold, plus
 *   the covers of its child OUs;
 * - its direct accounts one by one, plus the covers of its child OUs.
 * Ineligible accounts (not ACTIVE, or the management account out of a delegated administrator's
 * reach: `eligible`, the reconciler's own rule) are never targeted, so they neither need covering
 * nor excluding; their assignments are left out, and the reconciler never touches them. So are
 * those of `provisionedToManagement` for a delegated administrator, who may not assign those
 * permission sets anywhere (the reconciler withholds every write of them).
 */
export function inferRules(
  org: OrgIndex,
  assignments: readonly Assignment[],
  eligible: (account: OrgAccount) => boolean,
  provisionedToManagement: ReadonlySet<string> = new Set(),
): Inference {
  const tree = new EligibleTree(org, eligible);
  const leftOut: LeftOut[] = [];
  const pairs = new Map<string, { principal: PrincipalId; permissionSetArn: string; accounts: Set<string> }>();
  for (const a of assignments) {
    const account = org.snapshot.accounts.get(a.accountId);
    if (provisionedToManagement.has(a.permissionSetArn)) {
      leftOut.push({ assignment: a, reason: 'its permission set is provisioned to the management account, which a delegated administrator may not manage' });
      continue;
    }
    if (!account || !eligible(account)) {
      leftOut.push({
        assignment: a,
        reason: !account ? 'the account is not in the organization' : account.status !== 'ACTIVE'
          ? `the account is ${account.status}` : 'the management account is out of a delegated administrator\'s reach',
      });
      continue;
    }
    const key = pairKey(a);
    const principal: PrincipalId = { principalType: a.principalType, principalId: a.principalId };
    const pair = pairs.get(key) ?? { principal, permissionSetArn: a.permissionSetArn, accounts: new Set<string>() };
    pair.accounts.add(a.accountId);
    pairs.set(key, pair);
  }
  const rules: InferredRule[] = [];
  for (const key of [...pairs.keys()].sort()) {
    const { principal, permissionSetArn, accounts } = pairs.get(key)!;
    for (const target of tree.coverOf(accounts)) rules.push({ principal, permissionSetArn, target });
  }
  return { rules, leftOut };
}

interface Cover {
  /** Targets plus exclusions: what a reader has to read. */
  readonly cost: number;
  readonly targets: TargetDocument[];
}

/** The accounts a pair holds, and how many of them are under each OU. */
interface Held {
  readonly held: ReadonlySet<string>;
  readonly counts: ReadonlyMap<string, number>;
}

/** The OU tree with each unit's eligible accounts, direct and below, and the references that resolve to them. */
class EligibleTree {
  private readonly children = new Map<string, OrgUnit[]>();
  private readonly direct = new Map<string, OrgAccount[]>();
  private readonly below = new Map<string, number>();

  constructor(private readonly org: OrgIndex, eligible: (account: OrgAccount) => boolean) {
    for (const unit of org.snapshot.units.values()) {
      if (unit.parentId !== undefined) this.children.set(unit.parentId, [...this.children.get(unit.parentId) ?? [], unit]);
    }
    for (const account of org.snapshot.accounts.values()) {
      if (eligible(account)) this.direct.set(account.parentId, [...this.direct.get(account.parentId) ?? [], account]);
    }
    const count = (unit: OrgUnit): number => {
      const n = (this.direct.get(unit.id) ?? []).length + this.childrenOf(unit).reduce((sum, c) => sum + count(c), 0);
      this.below.set(unit.id, n);
      return n;
    };
    count(org.root);
  }

  /** The targets that select exactly `held` (eligible account ids). */
  coverOf(held: ReadonlySet<string>): TargetDocument[] {
    const counts = new Map<string, number>();
    const count = (unit: OrgUnit): number => {
      const n = (this.direct.get(unit.id) ?? []).filter((a) => held.has(a.id)).length + this.childrenOf(unit).reduce((sum, c) => sum + count(c), 0);
      counts.set(unit.id, n);
      return n;
    };
    count(this.org.root);
    return this.cover(this.org.root, { held, counts }).targets;
  }

  private cover(unit: OrgUnit, held: Held): Cover {
    if (held.counts.get(unit.id) === 0) return { cost: 0, targets: [] };
    const direct = this.direct.get(unit.id) ?? [];
    const directHeld = direct.filter((a) => held.held.has(a.id));
    const directMissing = direct.filter((a) => !held.held.has(a.id));
    const childCovers = this.childrenOf(unit).map((c) => this.cover(c, held));
    const childCost = childCovers.reduce((sum, c) => sum + c.cost, 0);
    const childTargets = childCovers.flatMap((c) => c.targets);

    const options: Cover[] = [{ cost: directHeld.length + childCost, targets: [...directHeld.map((a) => this.accountTarget(a)), ...childTargets] }];
    const exclusions = this.exclusions(unit, held);
    const whole = unit.id === this.org.root.id ? { all: true as const } : { ou: this.unitRef(unit) };
    options.push({ cost: 1 + exclusions.length, targets: [withExclusions(whole, exclusions)] });
    if (directHeld.length > 0) {
      const directOnly = withExclusions({ ou: this.unitRef(unit), nested: false }, directMissing.map((a) => this.accountTarget(a)));
      options.push({ cost: 1 + directMissing.length + childCost, targets: [directOnly, ...childTargets] });
    }
    return options.reduce((best, o) => (o.cost < best.cost ? o : best));
  }

  /** Targets that select exactly the eligible accounts under `unit` that are not held: whole child OUs where none is. */
  private exclusions(unit: OrgUnit, held: Held): BaseTargetDocument[] {
    const result: BaseTargetDocument[] = (this.direct.get(unit.id) ?? []).filter((a) => !held.held.has(a.id)).map((a) => this.accountTarget(a));
    for (const child of this.childrenOf(unit)) {
      const eligibleBelow = this.below.get(child.id)!;
      const heldBelow = held.counts.get(child.id)!;
      if (heldBelow === eligibleBelow) continue;
      if (heldBelow === 0) result.push({ ou: this.unitRef(child) });
      else result.push(...this.exclusions(child, held));
    }
    return result;
  }

  private childrenOf(unit: OrgUnit): OrgUnit[] {
    return this.children.get(unit.id) ?? [];
  }

  /** By path where the path resolves back to this OU (a name may contain '/'), else by id. */
  private unitRef(unit: OrgUnit): string {
    const path = this.org.pathOf(unit.id);
    const resolved = this.org.resolveUnit(path);
    return 'value' in resolved && resolved.value.id === unit.id ? path : unit.id;
  }

  /** By name where the name resolves back to this account (unique among ACTIVE accounts, not an id), else by id. */
  private accountTarget(account: OrgAccount): BaseTargetDocument {
    const resolved = this.org.resolveAccount(account.name);
    return { account: 'value' in resolved && resolved.value.id === account.id ? account.name : account.id };
  }
}

function withExclusions(base: BaseTargetDocument, exclude: BaseTargetDocument[]): TargetDocument {
  return exclude.length > 0 ? { ...base, exclude } : base;
}
