import { MinHeap } from '../../core/min-heap';
import { AsyncLatency } from '../../core/quotas';
import { SeededRandom } from '../../core/seeded-random';
import { SortedKeyIndex } from '../../core/sorted-key-index';
import { AwsError } from '../../protocol/aws-error';

export type PrincipalType = 'USER' | 'GROUP';

/** One (principal, permission set, account) triple. */
export interface Assignment {
  readonly accountId: string;
  readonly permissionSetArn: string;
  readonly principalType: PrincipalType;
  readonly principalId: string;
}

export interface PermissionSetRecord {
  readonly arn: string;
  readonly name: string;
  description?: string;
  sessionDuration: string;
  relayState?: string;
  readonly createdDate: number;
  /** Bumped by every change; accounts provisioned at an older version are NOT_PROVISIONED. */
  version: number;
  readonly managedPolicies: Set<string>;
  inlinePolicy?: string;
  /**
   * Tag key → value. Tags are metadata of the permission set only: "Tags can only be applied to permission sets and
   * cannot be applied to corresponding roles that IAM Identity Center creates in AWS accounts"
   * (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_Tag.html), so changing them does not make
   * provisioned accounts fall behind. `aws:ResourceTag/<key>` reads them (IamModel.registerResourceTags).
   */
  readonly tags: Record<string, string>;
}

export interface CreatePermissionSetOptions {
  /** 1-32 characters of `[\w+=,.@-]`, unique in the instance. */
  readonly name: string;
  readonly description?: string;
  /** ISO-8601 duration. @default 'PT1H' */
  readonly sessionDuration?: string;
  readonly relayState?: string;
  readonly managedPolicies?: readonly string[];
  readonly inlinePolicy?: string;
  /** Tag key → value, validated as TagResource validates them (see validateTags). @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A change to a permission set's content. Every change makes its provisioned accounts fall behind. */
export interface PermissionSetChange {
  readonly attachManagedPolicies?: readonly string[];
  readonly detachManagedPolicies?: readonly string[];
  readonly inlinePolicy?: string;
  /**
   * DeleteInlinePolicyFromPermissionSet: the inline policy goes.
   * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_DeleteInlinePolicyFromPermissionSet.html
   */
  readonly deleteInlinePolicy?: boolean;
}

/** An account whose last assignment of a permission set went: the role is still there until `completesAt`. */
export interface PendingDeprovisioning {
  readonly accountId: string;
  readonly permissionSetArn: string;
  /** When the deletion that started it completed (simulated epoch ms). */
  readonly startedAt: number;
  /** When the account stops being provisioned with the permission set (simulated epoch ms). */
  readonly completesAt: number;
}

/** What UpdatePermissionSet sets. */
export interface PermissionSetAttributes {
  readonly description?: string;
  /** ISO-8601 duration. @default 'PT1H' */
  readonly sessionDuration?: string;
  readonly relayState?: string;
}

export const NAME_PATTERN = /^[\w+=,.@-]{1,32}$/;

/**
 * Tag limits. Per request: TagResource "Tags ... Array Members: Minimum number of 0 items. Maximum number of 75 items",
 * UntagResource "TagKeys ... Minimum number of 1 item. Maximum number of 75 items"; Tag "Key ... Minimum length of 1.
 * Maximum length of 128", "Value ... Minimum length of 0. Maximum length of 256", both with the pattern below
 * (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_TagResource.html, API_UntagResource.html,
 * API_Tag.html). Per resource: "The maximum number of tags that you can assign to a resource is 50" (user guide,
 * Tagging AWS SSO resources, "Tag restrictions"; aws-sso-permissionset.json: Tags "maxItems": 50).
 */
export const TAG_LIMITS = { perResource: 50, perRequest: 75, keyLength: 128, valueLength: 256 } as const;
export const TAG_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_PATTERN_TEXT = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*';

/**
 * Checks tags as TagResource and CreatePermissionSet do, in the validation message format of the other members
 * (`1 validation error detected: Value '...' at 'tags.1.member.key' failed to satisfy constraint: ...`). Two rules
 * come from the user guide's "Tag restrictions" without a documented error: "Don't use aws: as a prefix for keys; it's
 * reserved for AWS use", and a key given twice in one request; both are refused here with ValidationException (the
 * stricter reading; the texts are the simulator's). The prefix is matched case-insensitively, also the stricter reading.
 */
export function validateTags(tags: ReadonlyArray<readonly [string, string]>, invalid: (message: string) => Error, member = 'tags'): void {
  const detected = (text: string) => invalid(`1 validation error detected: ${text}`);
  if (tags.length > TAG_LIMITS.perRequest) {
    throw detected(`Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${TAG_LIMITS.perRequest}`);
  }
  const seen = new Set<string>();
  tags.forEach(([key, value], i) => {
    const at = (part: string, text: string) => `Value '${part === 'key' ? key : value}' at '${member}.${i + 1}.member.${part}' failed to satisfy constraint: ${text}`;
    if (key.length < 1) throw detected(at('key', 'Member must have length greater than or equal to 1'));
    if (key.length > TAG_LIMITS.keyLength) throw detected(at('key', `Member must have length less than or equal to ${TAG_LIMITS.keyLength}`));
    if (!TAG_PATTERN.test(key)) throw detected(at('key', `Member must satisfy regular expression pattern: ${TAG_PATTERN_TEXT}`));
    if (value.length > TAG_LIMITS.valueLength) throw detected(at('value', `Member must have length less than or equal to ${TAG_LIMITS.valueLength}`));
    if (!TAG_PATTERN.test(value)) throw detected(at('value', `Member must satisfy regular expression pattern: ${TAG_PATTERN_TEXT}`));
    if (key.toLowerCase().startsWith('aws:')) throw invalid(`Tag keys starting with 'aws:' are reserved for AWS use: ${key}`);
    if (seen.has(key)) throw invalid(`Duplicate tag key in the request: ${key}`);
    seen.add(key);
  });
}

/** Checks tag keys as UntagResource does (`tagKeys.1.member`). */
export function validateTagKeys(keys: readonly string[], invalid: (message: string) => Error): void {
  const detected = (text: string) => invalid(`1 validation error detected: ${text}`);
  if (keys.length < 1) throw detected("Value at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1");
  if (keys.length > TAG_LIMITS.perRequest) {
    throw detected(`Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to ${TAG_LIMITS.perRequest}`);
  }
  keys.forEach((key, i) => {
    const at = (text: string) => detected(`Value '${key}' at 'tagKeys.${i + 1}.member' failed to satisfy constraint: ${text}`);
    if (key.length < 1) throw at('Member must have length greater than or equal to 1');
    if (key.length > TAG_LIMITS.keyLength) throw at(`Member must have length less than or equal to ${TAG_LIMITS.keyLength}`);
    if (!TAG_PATTERN.test(key)) throw at(`Member must satisfy regular expression pattern: ${TAG_PATTERN_TEXT}`);
  });
}

/**
 * The state of one IAM Identity Center instance: permission sets, assignments and what is
 * provisioned where, indexed so that every list operation walks only its own page:
 * assignments by principal (keyed `account|permissionSet`) and by account and permission set
 * (keyed `type|principal`); provisioned versions by permission set and by account.
 *
 * Provisioning follows the API reference: "As part of a successful CreateAccountAssignment call,
 * the specified permission set will automatically be provisioned to the account ... If the
 * permission set is subsequently updated, the corresponding IAM policies attached to roles in
 * your accounts will not be updated automatically. In this case, you must call
 * ProvisionPermissionSet" (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreateAccountAssignment.html).
 * When the last assignment of a permission set in an account goes, the role goes with it, but not at once: see
 * `removeAssignment`.
 */
export class IdentityCenterState {
  public readonly instanceArn: string;
  public readonly instanceId: string;
  public readonly permissionSetIndex = new SortedKeyIndex<PermissionSetRecord>();
  private readonly permissionSetsByName = new Map<string, PermissionSetRecord>();
  private readonly assignmentsByKey = new Map<string, Assignment>();
  private readonly byPrincipal = new Map<string, SortedKeyIndex<Assignment>>();
  private readonly byTarget = new Map<string, SortedKeyIndex<Assignment>>();
  private readonly provisionedVersions = new Map<string, number>();
  private readonly provisionedByPermissionSet = new Map<string, SortedKeyIndex<string>>();
  private readonly provisionedByAccount = new Map<string, SortedKeyIndex<string>>();
  /** Deprovisionings under way by `account|permissionSet`; the heap orders them by completion (stale entries skipped). */
  private readonly deprovisioning = new Map<string, PendingDeprovisioning>();
  private readonly deprovisionQueue = new MinHeap<PendingDeprovisioning>((a, b) => a.completesAt - b.completesAt
    || compareText(targetKey(a.accountId, a.permissionSetArn), targetKey(b.accountId, b.permissionSetArn)));
  /** How many deprovisionings each `account|permissionSet` has started, so each draws its own delay. */
  private readonly deprovisionDraws = new Map<string, number>();

  /** `deprovisionLatency`: see QuotaSettings.deprovisionLatency; zero deprovisions with the deletion. */
  constructor(
    private readonly random: SeededRandom,
    private readonly now: () => number,
    public readonly identityStoreId: string,
    private readonly deprovisionLatency: AsyncLatency = { minMs: 0, maxMs: 0 },
  ) {
    this.instanceId = `ssoins-${random.hex(16)}`;
    this.instanceArn = `arn:aws:sso:::instance/${this.instanceId}`;
  }

  /**
   * Fixtures get plain errors for a bad name or tag; more than 50 tags is the API's ServiceQuotaExceededException
   * (see tagPermissionSet), checked before anything is created.
   */
  public createPermissionSet(options: CreatePermissionSetOptions): PermissionSetRecord {
    if (!NAME_PATTERN.test(options.name)) throw new Error(`invalid permission set name '${options.name}'`);
    if (this.permissionSetsByName.has(options.name)) throw new Error(`PermissionSet with name ${options.name} already exists.`);
    const tags = Object.entries(options.tags ?? {});
    validateTags(tags, (message) => new Error(message));
    checkTagQuota(tags.length);
    let arn: string;
    do arn = `arn:aws:sso:::permissionSet/${this.instanceId}/ps-${this.random.hex(16)}`; while (this.permissionSetIndex.has(arn));
    const record: PermissionSetRecord = {
      arn,
      name: options.name,
      description: options.description,
      sessionDuration: options.sessionDuration ?? 'PT1H',
      relayState: options.relayState,
      createdDate: this.now(),
      version: 1,
      managedPolicies: new Set(options.managedPolicies ?? []),
      inlinePolicy: options.inlinePolicy,
      tags: tagObject(tags),
    };
    this.permissionSetIndex.set(arn, record);
    this.permissionSetsByName.set(options.name, record);
    return record;
  }

  /** Applies a change (a deploy of new policies) and bumps the version. */
  public changePermissionSet(arn: string, change: PermissionSetChange): PermissionSetRecord {
    const record = this.requirePermissionSet(arn);
    for (const policy of change.attachManagedPolicies ?? []) record.managedPolicies.add(policy);
    for (const policy of change.detachManagedPolicies ?? []) record.managedPolicies.delete(policy);
    if (change.inlinePolicy !== undefined) record.inlinePolicy = change.inlinePolicy;
    if (change.deleteInlinePolicy) record.inlinePolicy = undefined;
    record.version++;
    return record;
  }

  /**
   * UpdatePermissionSet (Description, SessionDuration, RelayState;
   * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_UpdatePermissionSet.html). The attributes are
   * set as given: one left out is cleared (the session duration goes back to PT1H). The set has changed, so its
   * accounts fall behind until ProvisionPermissionSet ("If the permission set is subsequently updated ... you must
   * call ProvisionPermissionSet", API_CreateAccountAssignment.html).
   */
  public updatePermissionSet(arn: string, attributes: PermissionSetAttributes): PermissionSetRecord {
    const record = this.requirePermissionSet(arn);
    record.description = attributes.description;
    record.sessionDuration = attributes.sessionDuration ?? 'PT1H';
    record.relayState = attributes.relayState;
    record.version++;
    return record;
  }

  /**
   * TagResource: the tags are added, a key the set has already takes the new value ("Associates a set of tags with a
   * specified resource", API_TagResource.html). More than 50 tags on the set afterwards is refused as a whole with
   * ServiceQuotaExceededException, one of TagResource's documented errors ("Indicates that the principal has crossed
   * the permitted number of resources that can be created"); which error AWS picks and its text are not documented,
   * the text is the simulator's. The version does not change: tags are not part of the provisioned role.
   * Tags are checked by the caller (validateTags).
   */
  public tagPermissionSet(arn: string, tags: ReadonlyArray<readonly [string, string]>): PermissionSetRecord {
    const record = this.requirePermissionSet(arn);
    checkTagQuota(new Set([...Object.keys(record.tags), ...tags.map(([key]) => key)]).size);
    for (const [key, value] of tags) record.tags[key] = value;
    return record;
  }

  /**
   * UntagResource: the keys go; a key the set does not have is ignored. AWS does not say what it does with such a key;
   * refusing it is not a plausible reading of "Disassociates a set of tags from a specified resource"
   * (API_UntagResource.html), and no AWS tagging API known to us refuses it. Keys are case-sensitive ("Keys and
   * values are case sensitive", user guide, Tag restrictions).
   */
  public untagPermissionSet(arn: string, keys: readonly string[]): PermissionSetRecord {
    const record = this.requirePermissionSet(arn);
    for (const key of keys) delete record.tags[key];
    return record;
  }

  /**
   * AWS updated an AWS managed policy: every permission set that uses it changes, although nobody
   * touched the permission set (landing-zone-accelerator-on-aws#740). Returns the ARNs affected.
   */
  public awsManagedPolicyUpdated(policyArn: string): string[] {
    const affected = [...this.permissionSetIndex.values()].filter((ps) => ps.managedPolicies.has(policyArn));
    for (const ps of affected) ps.version++;
    return affected.map((ps) => ps.arn);
  }

  /**
   * DeletePermissionSet. Refused while the set is assigned or provisioned anywhere: "ConflictException:
   * Could not delete because PermissionSet has ApplicationProfile associated with it."
   * (hashicorp/terraform-provider-aws#26757; the message tail as matched by noqdev/iambic's
   * delete_permission_set). There is no deprovisioning API: provisioning goes with the last
   * assignment of each account (aws-iam-identity-center-extensions#89), some time after it (see removeAssignment),
   * and the accounts still being deprovisioned count as provisioned here. Returns false for an unknown ARN.
   */
  public deletePermissionSet(arn: string): boolean {
    const record = this.permissionSetIndex.get(arn);
    if (!record) return false;
    const assigned = [...this.byTarget.entries()].some(([key, index]) => key.endsWith(`|${arn}`) && index.size > 0);
    if (assigned || this.accountsProvisionedWith(arn).size > 0) {
      throw new AwsError('ConflictException', 'Could not delete because PermissionSet has ApplicationProfile associated with it.');
    }
    this.permissionSetIndex.delete(arn);
    this.permissionSetsByName.delete(record.name);
    return true;
  }

  public permissionSet(arn: string): PermissionSetRecord | undefined {
    return this.permissionSetIndex.get(arn);
  }

  public permissionSetByName(name: string): PermissionSetRecord | undefined {
    return this.permissionSetsByName.get(name);
  }

  public hasAssignment(assignment: Assignment): boolean {
    return this.assignmentsByKey.has(assignmentKey(assignment));
  }

  /** Adds the triple (idempotent) and, like CreateAccountAssignment, provisions the latest version. */
  public addAssignment(assignment: Assignment): void {
    this.requirePermissionSet(assignment.permissionSetArn);
    const key = assignmentKey(assignment);
    if (!this.assignmentsByKey.has(key)) {
      const stored = { ...assignment };
      this.assignmentsByKey.set(key, stored);
      bucket(this.byPrincipal, assignment.principalId).set(`${assignment.accountId}|${assignment.permissionSetArn}`, stored);
      bucket(this.byTarget, targetKey(assignment.accountId, assignment.permissionSetArn)).set(`${assignment.principalType}|${assignment.principalId}`, stored);
    }
    this.provision(assignment.accountId, assignment.permissionSetArn);
  }

  /**
   * Removes the triple; returns false if it did not exist. `at` is when the deletion completed (default now).
   *
   * The role goes with the last assignment of the permission set in the account (of any principal), asynchronously:
   * "while waiting for accounts to be deprovisioned (which can take minutes ...), trying to delete the permission set
   * won't work" (aws-samples/aws-iam-identity-center-extensions PR #89, an AWS maintainer). Until the deprovisioning
   * completes, a delay drawn under the seed from `deprovisionLatency` (its default range is an assumption, AWS gives no
   * figure), the account stays provisioned: listed by ListAccountsForProvisionedPermissionSet and
   * ListPermissionSetsProvisionedToAccount, and DeletePermissionSet is refused. An assignment created there meanwhile
   * provisions the set again, which ends the deprovisioning (AWS is silent; the role is still there to update).
   */
  public removeAssignment(assignment: Assignment, at: number = this.now()): boolean {
    const key = assignmentKey(assignment);
    if (!this.assignmentsByKey.delete(key)) return false;
    this.byPrincipal.get(assignment.principalId)?.delete(`${assignment.accountId}|${assignment.permissionSetArn}`);
    const target = targetKey(assignment.accountId, assignment.permissionSetArn);
    const remaining = this.byTarget.get(target);
    remaining?.delete(`${assignment.principalType}|${assignment.principalId}`);
    if (!remaining || remaining.size === 0) this.startDeprovisioning(assignment.accountId, assignment.permissionSetArn, at);
    return true;
  }

  /** True while the account's role for the permission set is being removed (still provisioned). */
  public isDeprovisioning(accountId: string, permissionSetArn: string): boolean {
    return this.deprovisioning.has(targetKey(accountId, permissionSetArn));
  }

  /** The deprovisionings under way, by completion time. */
  public pendingDeprovisionings(): PendingDeprovisioning[] {
    return [...this.deprovisioning.values()].sort((a, b) => a.completesAt - b.completesAt
      || compareText(targetKey(a.accountId, a.permissionSetArn), targetKey(b.accountId, b.permissionSetArn)));
  }

  /** When the next deprovisioning completes; undefined when none is under way. */
  public nextDeprovisioningAt(): number | undefined {
    return this.liveTopOfQueue()?.completesAt;
  }

  /** Completes every deprovisioning due by `until`, in completion order. */
  public settleDeprovisionings(until: number): void {
    for (let next = this.liveTopOfQueue(); next && next.completesAt <= until; next = this.liveTopOfQueue()) {
      this.deprovisionQueue.pop();
      this.deprovisioning.delete(targetKey(next.accountId, next.permissionSetArn));
      this.deprovision(next.accountId, next.permissionSetArn);
    }
  }

  public assignments(): Assignment[] {
    return [...this.assignmentsByKey.values()].map((a) => ({ ...a }));
  }

  public assignmentCount(): number {
    return this.assignmentsByKey.size;
  }

  /** Assignments of a principal keyed `account|permissionSet` (empty index when none). */
  public assignmentsOfPrincipal(principalId: string): SortedKeyIndex<Assignment> {
    return this.byPrincipal.get(principalId) ?? new SortedKeyIndex();
  }

  /** Assignments in one account for one permission set, keyed `type|principal`. */
  public assignmentsOfTarget(accountId: string, permissionSetArn: string): SortedKeyIndex<Assignment> {
    return this.byTarget.get(targetKey(accountId, permissionSetArn)) ?? new SortedKeyIndex();
  }

  /** Provisions the latest version of a permission set to an account (creates or updates the role); ends a deprovisioning. */
  public provision(accountId: string, permissionSetArn: string): void {
    const record = this.requirePermissionSet(permissionSetArn);
    this.deprovisioning.delete(targetKey(accountId, permissionSetArn));
    this.provisionedVersions.set(targetKey(accountId, permissionSetArn), record.version);
    bucket(this.provisionedByPermissionSet, permissionSetArn).set(accountId, accountId);
    bucket(this.provisionedByAccount, accountId).set(permissionSetArn, permissionSetArn);
  }

  /** The provisioned version, or undefined when the permission set is not provisioned to the account. */
  public provisionedVersion(accountId: string, permissionSetArn: string): number | undefined {
    return this.provisionedVersions.get(targetKey(accountId, permissionSetArn));
  }

  public isLatestProvisioned(accountId: string, permissionSetArn: string): boolean {
    return this.provisionedVersion(accountId, permissionSetArn) === this.permissionSet(permissionSetArn)?.version;
  }

  /** Accounts a permission set is provisioned to, keyed by account id. */
  public accountsProvisionedWith(permissionSetArn: string): SortedKeyIndex<string> {
    return this.provisionedByPermissionSet.get(permissionSetArn) ?? new SortedKeyIndex();
  }

  /** Permission sets provisioned to an account, keyed by ARN. */
  public permissionSetsProvisionedTo(accountId: string): SortedKeyIndex<string> {
    return this.provisionedByAccount.get(accountId) ?? new SortedKeyIndex();
  }

  public requirePermissionSet(arn: string): PermissionSetRecord {
    const record = this.permissionSetIndex.get(arn);
    if (!record) throw new Error(`no permission set ${arn}`);
    return record;
  }

  private startDeprovisioning(accountId: string, permissionSetArn: string, at: number): void {
    const key = targetKey(accountId, permissionSetArn);
    if (!this.provisionedVersions.has(key) || this.deprovisioning.has(key)) return;
    const { minMs, maxMs } = this.deprovisionLatency;
    const draw = (this.deprovisionDraws.get(key) ?? 0) + 1;
    this.deprovisionDraws.set(key, draw);
    const delay = minMs + this.random.forKey('deprovision-latency', key, draw) * (maxMs - minMs);
    if (delay <= 0) {
      this.deprovision(accountId, permissionSetArn);
      return;
    }
    const pending: PendingDeprovisioning = { accountId, permissionSetArn, startedAt: at, completesAt: at + delay };
    this.deprovisioning.set(key, pending);
    this.deprovisionQueue.push(pending);
  }

  /** The earliest queued deprovisioning still under way, dropping those an assignment ended. */
  private liveTopOfQueue(): PendingDeprovisioning | undefined {
    for (let top = this.deprovisionQueue.peek(); top; top = this.deprovisionQueue.peek()) {
      if (this.deprovisioning.get(targetKey(top.accountId, top.permissionSetArn)) === top) return top;
      this.deprovisionQueue.pop();
    }
    return undefined;
  }

  private deprovision(accountId: string, permissionSetArn: string): void {
    this.provisionedVersions.delete(targetKey(accountId, permissionSetArn));
    this.provisionedByPermissionSet.get(permissionSetArn)?.delete(accountId);
    this.provisionedByAccount.get(accountId)?.delete(permissionSetArn);
  }
}

/** A prototype-less object, so that any valid key (`__proto__` included) is an own property. */
function tagObject(tags: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const object = Object.create(null) as Record<string, string>;
  for (const [key, value] of tags) object[key] = value;
  return object;
}

function checkTagQuota(count: number): void {
  if (count > TAG_LIMITS.perResource) {
    throw new AwsError('ServiceQuotaExceededException', `A permission set can have at most ${TAG_LIMITS.perResource} tags; the request would leave it with ${count}.`);
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function assignmentKey(a: Assignment): string {
  return `${a.accountId}|${a.permissionSetArn}|${a.principalType}|${a.principalId}`;
}

export function targetKey(accountId: string, permissionSetArn: string): string {
  return `${accountId}|${permissionSetArn}`;
}

function bucket<T>(map: Map<string, SortedKeyIndex<T>>, key: string): SortedKeyIndex<T> {
  let index = map.get(key);
  if (!index) {
    index = new SortedKeyIndex<T>();
    map.set(key, index);
  }
  return index;
}
