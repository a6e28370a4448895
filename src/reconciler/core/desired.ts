import { Assignment, assignmentKey } from './model';
import { OrgIndex } from './org-index';
import { ResolvedReferences, principalLookupKey } from './references';
import { OrgAccount } from './snapshot';
import { describeRule } from '../config/describe';
import { BaseTargetDocument, ConfigDocument } from '../config/document';

export interface DesiredState {
  readonly assignments: ReadonlyMap<string, Assignment>;
  /** One message per rule that could not be resolved completely; any error forbids deletions. */
  readonly errors: string[];
  /** Assignments each rule contributes (before de-duplication across rules), for the report. */
  readonly perRule: number[];
  /** Indexes of the rules behind `errors`: their pairs' desired state is not known completely. */
  readonly incompleteRules: number[];
  /** The rules (indexes) that grant each assignment, by `assignmentKey`: what the access report names. */
  readonly grantedBy: ReadonlyMap<string, number[]>;
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
): DesiredState {
  const assignments = new Map<string, Assignment>();
  const errors: string[] = [];
  const perRule: number[] = [];
  const incompleteRules: number[] = [];
  const grantedBy = new Map<string, number[]>();

  doc.rules.forEach((rule, index) => {
    const problems: string[] = [];
    const principal = refs.principals.get(principalLookupKey(rule.principal, doc.options.groupNameSuffix));
    const permissionSet = refs.permissionSets.get(rule.permissionSet);
    if (!principal) problems.push('principal was not looked up');
    else if ('error' in principal) problems.push(principal.error);
    if (!permissionSet) problems.push(`permission set '${rule.permissionSet}' was not looked up`);
    else if ('error' in permissionSet) problems.push(permissionSet.error);

    const selected = selectAccounts(org, rule.target, problems);
    for (const excluded of rule.target.exclude ?? []) {
      for (const id of selectAccounts(org, excluded, problems).keys()) selected.delete(id);
    }

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

  return { assignments, errors, perRule, incompleteRules, grantedBy };
}

function selectAccounts(org: OrgIndex, target: BaseTargetDocument, problems: string[]): Map<string, OrgAccount> {
  const byId = (accounts: OrgAccount[]) => new Map(accounts.map((a) => [a.id, a]));
  if ('all' in target) return byId(org.allAccounts());
  if ('tag' in target) return byId(org.accountsWithTag(target.tag.key, target.tag.value));
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
