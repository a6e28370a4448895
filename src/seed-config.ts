import { AccountTarget } from './account-target';
import { AssignmentRule } from './assignment-rule';
import { PermissionSetCatalog } from './permission-set-catalog';
import { IPermissionSetRef, PermissionSetRef } from './permission-set-ref';
import { Principal } from './principal';

const SECTIONS = ['GlobalAssignments', 'OuAssignments', 'AccountAssignments', 'AdDomain'];
const ENTRY_KEYS = ['GroupName', 'UserName', 'PrincipalName', 'PrincipalType', 'PermissionSetName', 'PermissionSetNames'];

/**
 * Options of `SeedConfig.fromJson`.
 */
export interface SeedConfigOptions {
  /**
   * The catalog whose permission sets the seed names: a name found in the catalog refers to the
   * catalog's permission set, any other name to `PermissionSetRef.fromName`.
   *
   * @default - every permission set is referred to with `PermissionSetRef.fromName`
   */
  readonly catalog?: PermissionSetCatalog;
}

/**
 * Assignment rules read from a configuration in the shape of the seed project's JSON file.
 *
 * ```json
 * {
 *   "AdDomain": "corp.example.com",
 *   "GlobalAssignments": [
 *     { "GroupName": "AWS-Auditors", "PermissionSetName": "ReadOnly" }
 *   ],
 *   "OuAssignments": {
 *     "Root/Workloads/Prod": [{ "GroupName": "Prod-Operators", "PermissionSetNames": ["ReadOnly", "Operator"] }]
 *   },
 *   "AccountAssignments": {
 *     "Security": [{ "UserName": "jane@example.com", "PermissionSetName": "SecurityAudit" }],
 *     "111122223333": [{ "PrincipalName": "Billing", "PrincipalType": "GROUP", "PermissionSetName": "Billing" }]
 *   }
 * }
 * ```
 *
 * | Seed | Rules |
 * |---|---|
 * | `GlobalAssignments[]` | `AccountTarget.allAccounts()` |
 * | `OuAssignments[<OU path, id or name>][]` | `AccountTarget.organizationalUnit(<key>)` (nested OUs included) |
 * | `AccountAssignments[<account name or id>][]` | `AccountTarget.account(<key>)` |
 * | `GroupName`, or `PrincipalName` with `PrincipalType` `GROUP` (the default) | `Principal.group(name)` |
 * | `UserName`, or `PrincipalName` with `PrincipalType` `USER` | `Principal.user(name)` |
 * | `PermissionSetName`, or each of `PermissionSetNames` | the catalog's permission set, else `PermissionSetRef.fromName` |
 * | `AdDomain` | `groupNameSuffix: '@<AdDomain>'` |
 *
 * Entries repeated within or across sections are kept once.
 *
 * @example
 * declare const catalog: PermissionSetCatalog;
 * const seed = SeedConfig.fromJson({
 *   AdDomain: 'corp.example.com',
 *   GlobalAssignments: [{ GroupName: 'AWS-Auditors', PermissionSetName: 'ReadOnly' }],
 * }, { catalog });
 * new AssignmentAutomation(this, 'Assignments', {
 *   instanceArn: catalog.instanceArn,
 *   identityStoreId: 'd-1234567890',
 *   catalog,
 *   assignments: seed.assignments,
 *   groupNameSuffix: seed.groupNameSuffix,
 * });
 */
export class SeedConfig {
  /**
   * Reads a seed-shaped configuration.
   *
   * @param json the parsed JSON object
   * @param options how permission set names are resolved
   * @throws for an unknown section or entry key, a missing principal or permission set, or a
   * malformed account or OU reference, naming the section and entry
   */
  public static fromJson(json: { [key: string]: any }, options: SeedConfigOptions = {}): SeedConfig {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new Error('the seed configuration must be a JSON object with GlobalAssignments, OuAssignments, AccountAssignments and AdDomain');
    }
    for (const key of Object.keys(json)) {
      if (!SECTIONS.includes(key)) {
        throw new Error(`the seed configuration has an unknown section '${key}'; the sections are ${SECTIONS.join(', ')}`);
      }
    }
    const reader = new SeedReader(options.catalog);
    const global = json.GlobalAssignments ?? [];
    if (!Array.isArray(global)) throw new Error('GlobalAssignments must be a list of entries');
    global.forEach((entry: unknown, i: number) => reader.add(`GlobalAssignments[${i}]`, entry, AccountTarget.allAccounts()));
    for (const [section, toTarget] of [
      ['OuAssignments', (key: string) => AccountTarget.organizationalUnit(key)],
      ['AccountAssignments', (key: string) => AccountTarget.account(key)],
    ] as Array<[string, (key: string) => AccountTarget]>) {
      const byKey = json[section] ?? {};
      if (typeof byKey !== 'object' || Array.isArray(byKey)) {
        throw new Error(`${section} must be an object whose keys are ${section === 'OuAssignments' ? 'OU paths, ids or names' : 'account names or ids'}`);
      }
      for (const [key, entries] of Object.entries(byKey)) {
        if (!Array.isArray(entries)) throw new Error(`${section}['${key}'] must be a list of entries`);
        const target = withContext(`${section}['${key}']`, () => toTarget(key));
        entries.forEach((entry: unknown, i: number) => reader.add(`${section}['${key}'][${i}]`, entry, target));
      }
    }
    const domain = json.AdDomain;
    if (domain !== undefined && (typeof domain !== 'string' || domain.trim().length === 0)) {
      throw new Error(`AdDomain must be a domain name such as corp.example.com, got ${JSON.stringify(domain)}`);
    }
    const suffix = typeof domain === 'string' ? (domain.startsWith('@') ? domain : `@${domain}`) : undefined;
    return new SeedConfig(reader.rules, suffix);
  }

  /**
   * The assignment rules, in the order of the seed: global, then OU, then account entries.
   */
  public readonly assignments: AssignmentRule[];

  /**
   * `@<AdDomain>`, for the automation's `groupNameSuffix`.
   *
   * @default - undefined when the seed has no AdDomain
   */
  public readonly groupNameSuffix?: string;

  private constructor(assignments: AssignmentRule[], groupNameSuffix: string | undefined) {
    this.assignments = assignments;
    this.groupNameSuffix = groupNameSuffix;
  }
}

/** Turns seed entries into rules, once each. */
class SeedReader {
  public readonly rules: AssignmentRule[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly catalog: PermissionSetCatalog | undefined) {}

  add(where: string, entry: unknown, target: AccountTarget): void {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new Error(`${where} must be an object such as { "GroupName": "Admins", "PermissionSetName": "AdministratorAccess" }`);
    }
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!ENTRY_KEYS.includes(key)) throw new Error(`${where} has an unknown key '${key}'; entries use ${ENTRY_KEYS.join(', ')}`);
    }
    const principal = withContext(where, () => this.principal(where, e));
    for (const name of this.permissionSetNames(where, e)) {
      const key = JSON.stringify([principal._toDocument(), name, target._toDocument()]);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.rules.push({ principal, permissionSet: this.permissionSet(name), target });
    }
  }

  private principal(where: string, e: Record<string, unknown>): Principal {
    const given = ['GroupName', 'UserName', 'PrincipalName'].filter((k) => e[k] !== undefined);
    if (given.length !== 1) {
      throw new Error(`${where} must name exactly one principal with GroupName, UserName or PrincipalName (it has ${given.length === 0 ? 'none' : given.join(' and ')})`);
    }
    const name = text(where, given[0], e[given[0]]);
    const type = e.PrincipalType === undefined ? 'GROUP' : text(where, 'PrincipalType', e.PrincipalType).toUpperCase();
    if (given[0] !== 'PrincipalName' && e.PrincipalType !== undefined) {
      throw new Error(`${where}: PrincipalType goes with PrincipalName only; ${given[0]} already says what the principal is`);
    }
    if (type !== 'GROUP' && type !== 'USER') {
      throw new Error(`${where}: PrincipalType is '${e.PrincipalType}'; use GROUP or USER`);
    }
    return given[0] === 'UserName' || type === 'USER' ? Principal.user(name) : Principal.group(name);
  }

  private permissionSetNames(where: string, e: Record<string, unknown>): string[] {
    if ((e.PermissionSetName === undefined) === (e.PermissionSetNames === undefined)) {
      throw new Error(`${where} must name its permission set with exactly one of PermissionSetName or PermissionSetNames`);
    }
    if (e.PermissionSetName !== undefined) return [text(where, 'PermissionSetName', e.PermissionSetName)];
    const names = e.PermissionSetNames;
    if (!Array.isArray(names) || names.length === 0) {
      throw new Error(`${where}: PermissionSetNames must be a non-empty list of permission set names`);
    }
    return names.map((n, i) => text(where, `PermissionSetNames[${i}]`, n));
  }

  private permissionSet(name: string): IPermissionSetRef {
    return this.catalog?.permissionSets.find((ps) => ps.permissionSetName === name) ?? PermissionSetRef.fromName(name);
  }
}

function text(where: string, key: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`${where}: ${key} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Prefixes errors of the typed constructors (malformed OU or account references) with the seed location. */
function withContext<T>(where: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}
