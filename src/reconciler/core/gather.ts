import { ReadingPort } from './account-readings';
import { TagCachePort, readAccountTags } from './account-tags';
import { ClaimsDocument, Contest, contestedPairs } from './claims';
import { errorMessage, settleLimit } from './concurrency';
import { CurrentRead, readCurrent } from './current';
import { DriftRead, readDrift } from './drift';
import { EMPTY_STATE, LegacyState, ReconcilerState } from './memory';
import { parsePrincipalKey, targetKey } from './model';
import { OrgCachePort, organizationForRun } from './org-cache';
import { OrgIndex } from './org-index';
import { Clock, ConfigPort, ConfigRead, IdentityCenterReadPort, IdentityStorePort, InstancePorts, OrganizationsPort, StatePort } from './ports';
import { ResolvedReferences, resolveReferences } from './references';
import { ConfiguredNames, ManagedScope, configuredNames, eligibility, managedScope } from './scope';
import { OrgSnapshot, readOrganization } from './snapshot';
import { TriggerFacts } from './trigger-facts';
import { ConfigDocument } from '../config/document';

/** Everything one run reads, in one value: the decision is taken on it alone. */
export interface Observation {
  readonly document: ConfigDocument;
  readonly revision: string;
  /** What previous runs remembered (empty when nothing was saved yet, or it could not be read). */
  readonly remembered: ReconcilerState;
  /** The state an earlier version kept in SSM, when the state table has none yet: migrated by this run. */
  readonly legacy?: LegacyState;
  /** Why the remembered state could not be read: it is then never overwritten, and nothing is deleted. */
  readonly stateError?: string;
  readonly org: OrgSnapshot;
  readonly index: OrgIndex;
  readonly refs: ResolvedReferences;
  readonly configured: ConfiguredNames;
  /** The scope the current assignments were read for. */
  readonly scope: ManagedScope;
  readonly current: CurrentRead;
  readonly drift: DriftRead;
  /** Principals (`principalKey`s) the run had reason to look up by id and that the identity store no longer has. */
  readonly vanished: ReadonlySet<string>;
  /**
   * In delegated-admin mode, the permission sets provisioned to the management account, which a
   * delegated administrator may not assign anywhere; or why they could not be read.
   */
  readonly managementProvisioned?: { readonly arns: ReadonlySet<string> } | { readonly error: string };
  /** Neighbours: the owned pairs another automation on the instance claimed first, and this one's claims; or why they could not be read. */
  readonly claims?: ClaimsRead | { readonly error: string };
  /** What the run should say about reading the organization (tags still to read, a cache that failed). */
  readonly orgNotices?: readonly string[];
  /** Accounts whose tags are still to read after this invocation, and how many it read: it continues while it progresses. */
  readonly tagsIncomplete?: { readonly remaining: number; readonly read: number };
}

export interface ClaimsRead {
  readonly contested: ReadonlyMap<string, Contest>;
  readonly own?: ClaimsDocument;
  readonly automation: string;
  readonly nowSeconds: number;
}

/** Why a run stopped before deciding anything; nothing is changed. */
export interface Stop {
  readonly outcome: 'invalid-config' | 'no-config' | 'inconsistent-config' | 'failed';
  readonly errors: string[];
  readonly document?: ConfigDocument;
  readonly revision?: string;
}

export interface GatherDeps {
  readonly clock: Clock;
  readonly config: ConfigPort;
  readonly state: StatePort;
  readonly organizations: OrganizationsPort;
  readonly connect: (instance: { readonly instanceArn: string; readonly identityStoreId: string }) => InstancePorts;
  readonly limits: { readonly readConcurrency: number };
  /** When no new read may start: bounds the per-account reading. @default - reads are not bounded */
  readonly time?: { shouldStop(): boolean; drainDeadline?(): number };
  /** Per-account readings kept between invocations (the state table). @default - none kept */
  readonly readings?: ReadingPort;
  /** Account tags kept between runs (the state table). @default - every account's tags are read when a rule needs them */
  readonly tagCache?: TagCachePort;
  /** What the events that started this run say. @default - nothing */
  readonly trigger?: TriggerFacts;
  /** The organization as the last run read it, for its continuation (applying runs only). @default - read every time */
  readonly orgCache?: OrgCachePort;
  /** This run, as the organization cache names the run that saved a reading. @default - the cache is not used */
  readonly runId?: string;
}

/** A run that stops before deciding anything. */
export type Stopped = { readonly stop: Stop };

export type Gathered = { readonly observation: Observation; readonly instance: InstancePorts } | { readonly stop: Stop };

/**
 * All reads of a run: the config document (once; the instance ports are built from it), the
 * remembered state, the organization, every reference the rules make, the current assignments of
 * the owned pairs, provisioning drift, and the principals that may have been deleted. An unusable
 * document or an unreadable organization stops the run here.
 */
export async function gather(deps: GatherDeps): Promise<Gathered> {
  const config = await readDocument(deps.config);
  if ('stop' in config) return config;
  const { document, revision } = config;
  const concurrency = deps.limits.readConcurrency;

  let stateError: string | undefined;
  const stored = await deps.state.read().catch((e) => {
    stateError = `the reconciler state could not be read (${errorMessage(e)})`;
    return { empty: true } as const;
  });
  const remembered = 'state' in stored ? stored.state : EMPTY_STATE;
  // Reads stop at 70% of the time left (bounded where readings are kept: the Lambda; the plan command
  // reads everything at once), so that the saves, the other reads and the report still fit.
  const time = deps.time;
  const readUntil = deps.clock.now() + 0.7 * Math.max(0, (time?.drainDeadline?.() ?? Infinity) - deps.clock.now());
  const stopReading = () => (time?.shouldStop() ?? false) || deps.clock.now() >= readUntil;
  let org: OrgSnapshot;
  const orgNotices: string[] = [];
  const instance = deps.connect(document);
  // The references and provisioning drift need no organization: read alongside it, under quotas of their own.
  const independent = resolveReferences(document, instance.identityStore, instance.identityCenter, concurrency).then(async (refs) => ({
    refs, drift: await readDrift([...configuredNames(document, refs).permissionSets], instance.identityCenter, concurrency),
  }));
  let tagsIncomplete: Observation['tagsIncomplete'];
  try {
    const organization = await organizationForRun({
      read: () => readOrganization(deps.organizations, { withTags: false, concurrency }),
      cache: deps.runId === undefined ? undefined : deps.orgCache,
      runId: deps.runId ?? '',
      continuation: deps.trigger?.continuationOnly ?? false,
      now: () => deps.clock.now(),
    });
    org = organization.org;
    if (organization.notice) orgNotices.push(organization.notice);
    if (usesTags(document)) {
      // Only accounts that can be targeted need tags. An account whose assignments someone changed by
      // hand has its tags read again too: a lost tag event must not make the run revert a grant that fits.
      const active = [...org.accounts.values()].filter((a) => a.status === 'ACTIVE').map((a) => a.id);
      const tags = await readAccountTags(active, deps.organizations, {
        cache: deps.tagCache,
        changed: new Set([...deps.trigger?.tagsChanged ?? [], ...(deps.trigger?.assignmentsChanged ?? []).map((t) => t.accountId)]),
        now: () => deps.clock.now(),
        // Only a cache lets a follow-up invocation go on where this one stopped.
        stop: deps.tagCache ? stopReading : undefined,
        concurrency,
      });
      org = { ...org, tags: tags.tags, tagsUnread: tags.unread };
      orgNotices.push(...tags.notices);
      tagsIncomplete = tags.unread.size > 0 ? { remaining: tags.unread.size, read: tags.read } : undefined;
    }
  } catch (e) {
    return { stop: { outcome: 'failed', document, revision, errors: [`reading the organization failed (${errorMessage(e)}); nothing was changed`] } };
  }
  const { refs, drift } = await independent;
  const configured = configuredNames(document, refs);
  const scope = managedScope(configured.pairs, remembered.pairs, org, eligibility(document.options.managementAccountId));
  const principals = [...scope.principals].map(parsePrincipalKey);
  const changedTargets = new Set((deps.trigger?.assignmentsChanged ?? []).map((t) => targetKey(t.permissionSetArn, t.accountId)));
  const bounded = time && deps.readings && { readings: deps.readings, now: () => deps.clock.now(), stop: stopReading, changed: changedTargets };
  const current = await readCurrent(principals, scope.pairs, [...scope.plannableAccounts], instance.identityCenter, concurrency, bounded);
  const vanished = await readVanished(deletionCandidates(remembered, configured, scope, refs), instance.identityStore, concurrency);
  const claims = await readClaims(instance, [...scope.pairs, ...configured.pairs], deps.clock.now());
  const managementProvisioned = await readManagementProvisioned(document, instance.identityCenter);
  const observation: Observation = {
    document,
    revision,
    remembered,
    legacy: 'legacy' in stored ? stored.legacy : undefined,
    stateError,
    org,
    index: new OrgIndex(org),
    refs,
    configured,
    scope,
    current,
    drift,
    vanished,
    managementProvisioned,
    claims,
    orgNotices,
    tagsIncomplete,
  };
  return { observation, instance };
}

/** In delegated-admin mode, the permission sets provisioned to the management account (never assignable from here), or why they could not be read. */
export async function readManagementProvisioned(document: ConfigDocument, port: IdentityCenterReadPort): Promise<Observation['managementProvisioned']> {
  const management = document.options.managementAccountId;
  if (management === undefined) return undefined;
  return port.listPermissionSetsProvisionedToAccount(management).then(
    (arns) => ({ arns: new Set(arns) }),
    (e) => ({ error: `reading the permission sets provisioned to the management account failed (${errorMessage(e)})` }),
  );
}

/** The config document, or why the run stops before reading anything else. */
export async function readDocument(port: ConfigPort): Promise<{ readonly document: ConfigDocument; readonly revision: string } | Stopped> {
  let config: ConfigRead;
  try {
    config = await port.read();
  } catch (e) {
    // A failed read is not a bad document: the run fails, so that it is retried.
    return { stop: { outcome: 'failed', errors: [`reading the config failed (${errorMessage(e)}); nothing was changed`] } };
  }
  if ('invalid' in config) return { stop: { outcome: 'invalid-config', errors: [config.invalid] } };
  // Not retried: the queue's one message group would be held for nothing (during an uninstall the
  // parameter is deleted before the function). The alarm still fires.
  if ('missing' in config) return { stop: { outcome: 'no-config', errors: [config.missing] } };
  if ('inconsistent' in config) return { stop: { outcome: 'inconsistent-config', errors: [config.inconsistent] } };
  return config;
}

/** The other automations' claims on the owned pairs; none considered when the composition gives no claims port. */
export async function readClaims(instance: InstancePorts, owned: string[], now: number): Promise<Observation['claims']> {
  if (!instance.claims) return undefined;
  const automation = instance.claims.automation;
  const nowSeconds = Math.floor(now / 1000);
  try {
    const { own, siblings } = await instance.claims.read();
    return { contested: contestedPairs(owned, own, siblings, automation, nowSeconds), own, automation, nowSeconds };
  } catch (e) {
    return { error: `the claims of the other automations on this instance could not be read (${errorMessage(e)})` };
  }
}

/**
 * The principals that may have been deleted from the identity store: those of owned pairs that no
 * rule names any more, and those a rule names by a name that resolved before and resolves no longer.
 */
function deletionCandidates(remembered: ReconcilerState, configured: ConfiguredNames, scope: ManagedScope, refs: ResolvedReferences): string[] {
  const unnamed = [...scope.principals].filter((p) => !configured.principals.has(p));
  const stopped = Object.entries(remembered.names)
    .filter(([lookup]) => { const r = refs.principals.get(lookup); return r !== undefined && 'error' in r && r.notFound === true; })
    .map(([, principal]) => principal);
  return [...new Set([...unnamed, ...stopped])];
}

/**
 * Principals looked up by id (DescribeGroup, DescribeUser): a group deleted in the IdP leaves its
 * assignments listed in Identity Center (IAM Identity Center troubleshooting: "the name of the user
 * or group still appears in the UI, but access fails"), and deleting them ends FAILED "the GROUP
 * assignee ... was not found in directory" (hashicorp/terraform-provider-aws#19341), run after run.
 * A failed lookup proves nothing: the principal counts as present.
 */
async function readVanished(principals: string[], store: IdentityStorePort, concurrency: number): Promise<Set<string>> {
  const results = await settleLimit(principals, concurrency, (key) => {
    const p = parsePrincipalKey(key);
    return store.principalExists(p.principalType, p.principalId);
  });
  return new Set(results.filter((r) => r.value === false).map((r) => r.item));
}

export function usesTags(doc: ConfigDocument): boolean {
  return doc.rules.some((r) => 'tag' in r.target || (r.target.exclude ?? []).some((t) => 'tag' in t));
}
