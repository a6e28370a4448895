import { Token } from 'aws-cdk-lib';
import { identifierProblem } from './private/identifiers';
import { throwIf } from './private/validation';
import { describeTarget } from './reconciler/config/describe';
import { BaseTargetDocument, TargetDocument } from './reconciler/config/document';
import { isIdentifier } from './reconciler/config/identifiers';

// Organizations limits: https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html
// (OU name 1-128), API_Account.html (account name 1-50), API_Tag.html (key 1-128, value 0-256).
const OU_NAME_MAX_LENGTH = 128;
const ACCOUNT_NAME_MAX_LENGTH = 50;
const TAG_KEY_MAX_LENGTH = 128;
const TAG_VALUE_MAX_LENGTH = 256;

/**
 * Options of `AccountTarget.organizationalUnit`.
 */
export interface OrganizationalUnitOptions {
  /**
   * Whether accounts in OUs below this one are targeted too.
   *
   * @default true
   */
  readonly includeNested?: boolean;
}

/**
 * The accounts an assignment rule applies to, resolved against the organization at every run,
 * so accounts created, moved or closed later are handled without a deployment.
 *
 * Only ACTIVE accounts are ever targeted.
 *
 * @example
 * AccountTarget.organizationalUnit('Root/Workloads/Prod');
 * AccountTarget.allAccounts().excluding(AccountTarget.account('Sandbox'));
 */
export class AccountTarget {
  /**
   * Every ACTIVE account of the organization.
   */
  public static allAccounts(): AccountTarget {
    return new AccountTarget({ all: true });
  }

  /**
   * The accounts of an organizational unit.
   *
   * @param pathIdOrName a path from the root (`Root/Workloads/Prod`, or `Workloads/Prod`), an OU id
   * (`ou-ab12-cd34ef56`), the root id (`r-ab12`), or an OU name that is unique in the organization
   * @param options whether nested OUs are included
   */
  public static organizationalUnit(pathIdOrName: string, options: OrganizationalUnitOptions = {}): AccountTarget {
    checkOrganizationalUnit(pathIdOrName);
    const nested = options.includeNested ?? true;
    return new AccountTarget(nested ? { ou: pathIdOrName } : { ou: pathIdOrName, nested: false });
  }

  /**
   * One account.
   *
   * @param nameOrId the 12-digit account id, or an account name that is unique in the organization
   */
  public static account(nameOrId: string): AccountTarget {
    checkAccount(nameOrId);
    return new AccountTarget({ account: nameOrId });
  }

  /**
   * The accounts carrying a tag with this value (Organizations account tags).
   *
   * @param key the tag key, 1 to 128 characters
   * @param value the tag value, up to 256 characters
   */
  public static accountsWithTag(key: string, value: string): AccountTarget {
    if (!Token.isUnresolved(key) && (key.length === 0 || key.length > TAG_KEY_MAX_LENGTH)) {
      throw new Error(`tag key '${key}' is ${key.length} characters; Organizations tag keys are 1 to ${TAG_KEY_MAX_LENGTH} characters`);
    }
    if (!Token.isUnresolved(value) && value.length > TAG_VALUE_MAX_LENGTH) {
      throw new Error(`tag value '${value}' of key '${key}' is ${value.length} characters; Organizations tag values are at most ${TAG_VALUE_MAX_LENGTH} characters`);
    }
    return new AccountTarget({ tag: { key, value } });
  }

  private constructor(private readonly base: BaseTargetDocument, private readonly exclusions: BaseTargetDocument[] = []) {}

  /**
   * These accounts, minus the accounts of the given targets.
   *
   * @param targets the accounts to leave out; each must be a single selection (not itself `excluding` anything)
   * and may not be `allAccounts()`
   * @returns a new target; this one is unchanged
   */
  public excluding(...targets: AccountTarget[]): AccountTarget {
    if (targets.length === 0) {
      throw new Error(`excluding() on ${this.toString()} was given no targets; pass at least one AccountTarget to leave out`);
    }
    for (const target of targets) {
      if (target.exclusions.length > 0) {
        throw new Error(`cannot exclude ${target.toString()}: an excluded target cannot itself exclude accounts; exclude its parts one by one`);
      }
      if ('all' in target.base) {
        throw new Error(`cannot exclude allAccounts() from ${this.toString()}: nothing would remain; remove the rule instead`);
      }
    }
    return new AccountTarget(this.base, [...this.exclusions, ...targets.map((t) => t.base)]);
  }

  /**
   * A human-readable description, such as `ou Root/Workloads excluding account Sandbox`.
   */
  public toString(): string {
    return describeTarget(this._toDocument());
  }

  /**
   * The form of this target in the config document.
   *
   * @internal
   */
  public _toDocument(): TargetDocument {
    return this.exclusions.length > 0 ? { ...this.base, exclude: [...this.exclusions] } : this.base;
  }
}

function checkOrganizationalUnit(ref: string): void {
  if (Token.isUnresolved(ref)) return;
  // Only a string of the id pattern is an id: OU names are free text (1 to 128 of any character,
  // API_OrganizationalUnit.html), so 'OU-Payments' is a name, resolved as one at run time.
  if (isIdentifier('organizationalUnitId', ref) || isIdentifier('rootId', ref)) return;
  if (ref.length === 0) {
    throw new Error('organizational unit reference is empty; give a path (Root/Workloads/Prod), an id (ou-ab12-cd34ef56) or a unique OU name');
  }
  const segments = ref.split('/');
  const bad = segments.findIndex((s) => s.length === 0 || s.length > OU_NAME_MAX_LENGTH || s.trim() !== s);
  if (bad >= 0) {
    const segment = segments[bad];
    const problem = segment.length === 0 ? 'an empty segment' : `segment '${segment}' of ${segment.length} characters`;
    throw new Error(`organizational unit path '${ref}' is malformed: it has ${problem}; `
      + `write OU names (1 to ${OU_NAME_MAX_LENGTH} characters) separated by single slashes, such as Root/Workloads/Prod`);
  }
}

function checkAccount(ref: string): void {
  if (Token.isUnresolved(ref)) return;
  if (/^\d+$/.test(ref)) return throwIf(identifierProblem('accountId', ref, 'account id'));
  if (ref.length === 0 || ref.length > ACCOUNT_NAME_MAX_LENGTH) {
    throw new Error(`account name '${ref}' is ${ref.length} characters; account names are 1 to ${ACCOUNT_NAME_MAX_LENGTH} characters, or give the 12-digit account id`);
  }
}
