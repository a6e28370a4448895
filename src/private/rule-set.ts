import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { Problems } from './validation';
import type { AssignmentRule } from '../assignment-rule';
import type { PermissionSetCatalog } from '../permission-set-catalog';
import { describeExpiry, describeRule } from '../reconciler/config/describe';
import { CONFIG_VERSION, ConfigDocument, OptionsDocument, PermissionSetDocument, RuleDocument } from '../reconciler/config/document';
import { isIdentifier } from '../reconciler/config/identifiers';

/**
 * The permission sets Control Tower creates and assigns itself: AWSAdministratorAccess to each new
 * account's SSO user (Account Factory), the others to its groups (Control Tower user guide,
 * "IAM Identity Center groups for AWS Control Tower").
 */
const CONTROL_TOWER_PERMISSION_SETS = new Set([
  'AWSAdministratorAccess', 'AWSPowerUserAccess', 'AWSReadOnlyAccess', 'AWSOrganizationsFullAccess',
  'AWSServiceCatalogAdminFullAccess', 'AWSServiceCatalogEndUserAccess',
]);

/** 2200-01-01T00:00:00Z: the cron year field of EventBridge schedules ends at 2199 (eb-scheduled-rule-pattern). */
const LATEST_SCHEDULABLE_EPOCH_SECONDS = Date.UTC(2200, 0, 1) / 1000 - 60;

/** The header of an automation's config document: everything but its permission sets and rules. */
export type DocumentHeader = Pick<ConfigDocument, 'instanceArn' | 'identityStoreId'> & { readonly options: OptionsDocument };

/**
 * The assignment rules of one automation: each checked as it is added (malformed or unknown
 * permission sets, duplicates), and all rendered into the config document with the permission
 * sets they manage.
 */
export class RuleSet {
  private readonly rules: RuleDocument[] = [];
  private readonly indexByKey = new Map<string, number>();
  private named = false;

  /** `owner` is the automation, whose path problems are reported under. */
  constructor(private readonly owner: IConstruct, private readonly catalog: PermissionSetCatalog | undefined) {}

  public get size(): number {
    return this.rules.length;
  }

  /** A rule names a permission set outside the catalog, whose ARN exists only at run time. */
  public get usesNamedPermissionSets(): boolean {
    return this.named;
  }

  /** Adds a rule, or throws every problem it has. */
  public add(rule: AssignmentRule): void {
    const index = this.rules.length;
    const document = toRuleDocument(rule);
    const description = describeRule(document, index);
    const problems = new Problems(this.owner);
    const name = rule.permissionSet.permissionSetName;
    if (!Token.isUnresolved(name) && !isIdentifier('permissionSetName', name)) {
      problems.add(`${description}: permission set name '${name}' is malformed; names are 1 to 32 characters of [\\w+=,.@-]`);
    }
    problems.add(this.catalogProblem(rule, description));
    if (document.expires !== undefined && document.expires >= LATEST_SCHEDULABLE_EPOCH_SECONDS) {
      problems.add(`${description}: expires ${describeExpiry(document.expires)} is after 2199, the last year an EventBridge schedule can name; `
        + 'give an earlier instant, or no expires for a rule that does not end');
    }
    const key = ruleKey(document);
    const previous = this.indexByKey.get(key);
    if (previous !== undefined) problems.add(`${description} duplicates rule ${previous + 1}; remove one of them`);
    problems.throwIfAny();
    this.warnAboutIdLookalikes(document, description);
    this.warnAboutControlTowerSets(name, description);
    this.warnIfExpired(document, description);

    this.indexByKey.set(key, index);
    this.rules.push(document);
    if (rule.permissionSet.permissionSetArn === undefined) this.named = true;
  }

  /**
   * A rule owns its principal × permission set pair in every account: another tool's assignments of
   * the same pair elsewhere are drift to it, and go. Control Tower's permission sets invite exactly
   * that (Account Factory gives each new account's user AWSAdministratorAccess there).
   */
  private warnAboutControlTowerSets(name: string, description: string): void {
    if (Token.isUnresolved(name) || !CONTROL_TOWER_PERMISSION_SETS.has(name)) return;
    Annotations.of(this.owner).addWarningV2('cdk-identity-center-permissions:controlTowerPermissionSet',
      `${description}: '${name}' is one of Control Tower's permission sets, which Control Tower and Account Factory assign themselves. `
      + 'The rule makes this automation own the pair in every account, so their assignments of the same principal and set elsewhere '
      + 'would be removed; use a permission set of your catalog instead');
  }

  /** The distinct expiry instants of the rules (epoch seconds), ascending. */
  public get expiries(): number[] {
    return [...new Set(this.rules.flatMap((r) => (r.expires === undefined ? [] : [r.expires])))].sort((a, b) => a - b);
  }

  /**
   * Synth time is the one clock the construct has: a rule already expired here grants nothing from
   * the first run after the deploy, which is rarely what was meant (a wrong year, a copied rule).
   */
  private warnIfExpired(rule: RuleDocument, description: string): void {
    if (rule.expires === undefined || rule.expires * 1000 > Date.now()) return;
    Annotations.of(this.owner).addWarningV2('cdk-identity-center-permissions:ruleAlreadyExpired',
      `${description} expired at ${describeExpiry(rule.expires)}, before this synthesis: it grants nothing, and the first run after the deploy `
      + 'removes its assignments; remove the rule, or give it a later expires');
  }

  /** The config document: the header, every managed permission set (sorted by name) and the rules in order. */
  public document(header: DocumentHeader): ConfigDocument {
    const permissionSets = new Map<string, PermissionSetDocument>();
    for (const ps of this.catalog?.permissionSets ?? []) {
      permissionSets.set(ps.permissionSetName, { name: ps.permissionSetName, arn: ps.permissionSetArn });
    }
    for (const rule of this.rules) {
      if (!permissionSets.has(rule.permissionSet)) permissionSets.set(rule.permissionSet, { name: rule.permissionSet });
    }
    return {
      version: CONFIG_VERSION,
      ...header,
      permissionSets: [...permissionSets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      rules: [...this.rules],
    };
  }

  /** `ou-123` may be an OU's name (names are free text), or a mistyped id: say how it will be read. */
  private warnAboutIdLookalikes(rule: RuleDocument, description: string): void {
    for (const target of [rule.target, ...(rule.target.exclude ?? [])]) {
      if (!('ou' in target) || Token.isUnresolved(target.ou)) continue;
      const ref = target.ou;
      const looksLikeId = /^ou-[0-9a-z]+-/i.test(ref) || /^ou-\w*$/i.test(ref) || /^r-\w*$/i.test(ref);
      if (looksLikeId && !isIdentifier('organizationalUnitId', ref) && !isIdentifier('rootId', ref)) {
        Annotations.of(this.owner).addWarningV2('cdk-identity-center-permissions:ouIdLookalike',
          `${description}: '${ref}' is not an organizational unit id (ou-ab12-cd34ef56) or root id (r-ab12), so it is looked up as an OU name; `
          + 'if it is meant as an id, copy it from the Organizations console');
      }
    }
  }

  private catalogProblem(rule: AssignmentRule, description: string): string | undefined {
    const { permissionSetName: name, permissionSetArn: arn } = rule.permissionSet;
    if (arn === undefined) return undefined;
    if (!this.catalog) {
      return `${description}: permission set '${name}' comes from a catalog, but this automation has no catalog; `
        + 'pass it as the catalog prop, or use PermissionSetRef.fromName for a permission set managed elsewhere';
    }
    if (!this.catalog.permissionSets.some((ps) => ps.permissionSetArn === arn)) {
      return `${description}: permission set '${name}' is not in the automation's catalog '${this.catalog.node.path}'; `
        + 'add it to that catalog, or use PermissionSetRef.fromName for a permission set managed elsewhere';
    }
    return undefined;
  }
}

function toRuleDocument(rule: AssignmentRule): RuleDocument {
  const document: RuleDocument = {
    principal: rule.principal._toDocument(), permissionSet: rule.permissionSet.permissionSetName, target: rule.target._toDocument(),
  };
  return rule.expires === undefined ? document : { ...document, expires: rule.expires.toEpoch() };
}

/**
 * Two rules are the same when principal, permission set and target are, whatever the order of
 * exclusions; their expiries do not matter (the later one would hide the earlier).
 */
function ruleKey(rule: RuleDocument): string {
  const { exclude, ...base } = rule.target;
  const exclusions = (exclude ?? []).map((e) => JSON.stringify(e)).sort();
  return JSON.stringify([rule.principal, rule.permissionSet, base, exclusions]);
}
