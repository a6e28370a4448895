import { Assignment, assignmentKey } from './model';
import { OrgIndex } from './org-index';
import { ResolvedReferences, principalLookupKey } from './references';
import { OrgAccount } from './snapshot';
import { describeRule } from '../config/describe';
import { BaseTargetDocument, ConfigDocument, RuleDocument, TargetDocument } from '../config/document';

export interface DesiredState {
  readonly assignments: ReadonlyMap<string, Assignment>;
  /** One message per rule that could not be resolved completely; any error forbids deletions. */
  readonly errors: string[];
  /** Assignments each rule contributes (before de-duplication across rules), for the report. */
  readonly perRule: number[];
  /** Indexes of the rules behind `errors`: their pairs' desired state is not known completely. */
  readonly incompleteRules: number[];
  /** The rules past their expiry, which contributed nothing, with what each would grant now. */
  readonly expired: ExpiredRule[];
  /** The rules (indexes) that grant each assignment, by `assignmentKey`: what the access report names. */
  readonly grantedBy: ReadonlyMap<string, number[]>;
}

/** A rule past its `expires`: it grants nothing; what it would grant is what its expiry removes. */
export interface ExpiredRule {
  readonly index: number;
  /** Epoch seconds. */
  readonly expires: number;
  /**
   * `assignmentKey`s of what the rule would grant now were it not expired; empty when its
   * references no longer resolve (its removals are then ordinary deletions of owned pairs).
   */
  readonly grants: ReadonlySet<string>;
}

/**
 * Rules × organization = the assignments that should exist.
 *
 * `eligible` says which accounts may be targeted at all (ACTIVE, and not the management account in
 * delegated-admin mode); a rule naming an ineligible account is not an error, it just selects nothing
 * there.
 */
export function computeDesired(
  doc: ConfigDocument,
  org: OrgIndex,
  refs: ResolvedReferences,
  eligible: (account: OrgAccount) => boolean,
  /** The run's clock reading, epoch ms (`Clock.now()`); a rule whose `expires` is at or before it grants nothing. @default - no rule is expired */
  nowMs?: number,
): DesiredState {
  const assignments = new Map<string, Assignment>();
  const errors: string[] = [];
  const perRule: number[] = [];
  const incompleteRules: number[] = [];
  const expired: ExpiredRule[] = [];
  const grantedBy = new Map<string, number[]>();

  doc.rules.forEach((rule, index) => {
    if (rule.expires !== undefined && nowMs !== undefined && rule.expires * 1000 <= nowMs) {
      // Nothing it names needs to resolve: it grants nothing either way, so its problems are no errors and block nothing.
      expired.push({ index, expires: rule.expires, grants: wouldGrant(rule, doc, org, refs, eligible) });
      perRule.push(0);
      return;
    }
    const problems: string[] = [];
    const principal = refs.principals.get(principalLookupKey(rule.principal, doc.options.groupNameSuffix));
    const permissionSet = refs.permissionSets.get(rule.permissionSet);
    if (!principal) problems.push('principal was not looked up');
    else if ('error' in principal) problems.push(principal.error);
    if (!permissionSet) problems.push(`permission set '${rule.permissionSet}' was not looked up`);
    else if ('error' in permissionSet) problems.push(permissionSet.error);

    const selected = selectTarget(org, rule.target, problems);

    if (problems.length > 0 || !principal || 'error' in principal || !permissionSet || 'error' in permissionSet) {
      errors.push(`${describeRule(rule, index)}: ${problems.join('; ')}`);
      incompleteRules.push(index);
      perRule.push(0);
      return;
    }
    let count = 0;
    for (const account of selected.values()) {
      if (!eligible(account)) continue;
      const assignment: Assignment = { ...principal.value, permissionSetArn: permissionSet.value, accountId: account.id };
      const key = assignmentKey(assignment);
      assignments.set(key, assignment);
      grantedBy.set(key, [...grantedBy.get(key) ?? [], index]);
      count++;
    }
    perRule.push(count);
  });

  return { assignments, errors, perRule, incompleteRules, expired, grantedBy };
}

/** What an expired rule would grant now, when everything it names resolves. */
function wouldGrant(
  rule: RuleDocument, doc: ConfigDocument, org: OrgIndex, refs: ResolvedReferences, eligible: (account: OrgAccount) => boolean,
): Set<string> {
  const principal = refs.principals.get(principalLookupKey(rule.principal, doc.options.groupNameSuffix));
  const permissionSet = refs.permissionSets.get(rule.permissionSet);
  if (!principal || 'error' in principal || !permissionSet || 'error' in permissionSet) return new Set();
  const problems: string[] = [];
  const selected = selectTarget(org, rule.target, problems);
  if (problems.length > 0) return new Set();
  return new Set([...selected.values()].filter(eligible)
    .map((account) => assignmentKey({ ...principal.value, permissionSetArn: permissionSet.value, accountId: account.id })));
}

/** The accounts of a target, minus its exclusions; what cannot be resolved is added to `problems`. */
function selectTarget(org: OrgIndex, target: TargetDocument, problems: string[]): Map<string, OrgAccount> {
  const selected = selectAccounts(org, target, problems);
  for (const excluded of target.exclude ?? []) {
    for (const id of selectAccounts(org, excluded, problems).keys()) selected.delete(id);
  }
  return selected;
}

function selectAccounts(org: OrgIndex, target: BaseTargetDocument, problems: string[]): Map<string, OrgAccount> {
  const byId = (accounts: OrgAccount[]) => new Map(accounts.map((a) => [a.id, a]));
  if ('all' in target) return byId(org.allAccounts());
  if ('tag' in target) {
    const unread = org.snapshot.tagsUnread?.size ?? 0;
    if (unread > 0) problems.push(`the tags of ${unread} account(s) are not read yet`);
    return byId(org.accountsWithTag(target.tag.key, target.tag.value));
  }
  if ('ou' in target) {
    const unit = org.resolveUnit(target.ou);
    if ('error' in unit) {
      problems.push(unit.error);
      return new Map();
    }
    return byId(org.accountsUnder(unit.value.id, target.nested !== false));
  }
  const account = org.resolveAccount(target.account);
  if ('error' in account) {
    problems.push(account.error);
    return new Map();
  }
  return byId([account.value]);
}
