import { errorMessage, settleLimit } from './concurrency';
import { CurrentRead, readCurrent } from './current';
import { DriftRead, readDrift } from './drift';
import { ReconcilerState } from './memory';
import { parsePrincipalKey } from './model';
import { OrgIndex } from './org-index';
import { ConfigPort, ConfigRead, IdentityStorePort, InstancePorts, OrganizationsPort, StatePort } from './ports';
import { ResolvedReferences, resolveReferences } from './references';
import { ConfiguredNames, ManagedScope, configuredNames, eligibility, managedScope } from './scope';
import { OrgSnapshot, readOrganization } from './snapshot';
import { ConfigDocument } from '../config/document';

/** Everything one run reads, in one value: the decision is taken on it alone. */
export interface Observation {
  readonly document: ConfigDocument;
  readonly revision: string;
  /** What previous runs remembered; undefined when nothing was ever saved (or it could not be read). */
  readonly remembered?: ReconcilerState;
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
  /** Remembered principals (`principalKey`s) that the identity store no longer has. */
  readonly vanished: ReadonlySet<string>;
  /**
   * In delegated-admin mode, the permission sets provisioned to the management account, which a
   * delegated administrator may not assign anywhere; or why they could not be read.
   */
  readonly managementProvisioned?: { readonly arns: ReadonlySet<string> } | { readonly error: string };
}

/** Why a run stopped before deciding anything; nothing is changed. */
export interface Stop {
  readonly outcome: 'invalid-config' | 'inconsistent-config' | 'failed';
  readonly errors: string[];
  readonly document?: ConfigDocument;
  readonly revision?: string;
}

export interface GatherDeps {
  readonly config: ConfigPort;
  readonly state: StatePort;
  readonly organizations: OrganizationsPort;
  readonly connect: (instance: { readonly instanceArn: string; readonly identityStoreId: string }) => InstancePorts;
  readonly limits: { readonly readConcurrency: number };
}

export type Gathered = { readonly observation: Observation; readonly instance: InstancePorts } | { readonly stop: Stop };

/**
 * All reads of a run: the config document (once; the instance ports are built from it), the
 * remembered state, the organization, every reference the rules make, the current assignments of
 * the managed scope and provisioning drift. An unusable document or an unreadable organization
 * stops the run here.
 */
export async function gather(deps: GatherDeps): Promise<Gathered> {
  let config: ConfigRead;
  try {
    config = await deps.config.read();
  } catch (e) {
    // A failed read is not a bad document: the run fails, so that it is retried.
    return { stop: { outcome: 'failed', errors: [`reading the config failed (${errorMessage(e)}); nothing was changed`] } };
  }
  if ('invalid' in config) return { stop: { outcome: 'invalid-config', errors: [config.invalid] } };
  if ('inconsistent' in config) return { stop: { outcome: 'inconsistent-config', errors: [config.inconsistent] } };
  const { document, revision } = config;
  const concurrency = deps.limits.readConcurrency;

  let stateError: string | undefined;
  const remembered = await deps.state.read().catch((e) => {
    stateError = `the reconciler state could not be read (${errorMessage(e)})`;
    return undefined;
  });
  let org: OrgSnapshot;
  try {
    org = await readOrganization(deps.organizations, { withTags: usesTags(document), concurrency });
  } catch (e) {
    return { stop: { outcome: 'failed', document, revision, errors: [`reading the organization failed (${errorMessage(e)}); nothing was changed`] } };
  }
  const instance = deps.connect(document);
  const refs = await resolveReferences(document, instance.identityStore, instance.identityCenter, concurrency);
  const configured = configuredNames(refs);
  const scope = managedScope(configured, remembered, org, eligibility(document.options.managementAccountId));
  const principals = [...scope.principals].map(parsePrincipalKey);
  const current = await readCurrent(principals, scope.permissionSets, [...scope.plannableAccounts], instance.identityCenter, concurrency);
  const drift = await readDrift([...configured.permissionSets], instance.identityCenter, concurrency);
  const vanished = await readVanished([...scope.principals].filter((p) => !configured.principals.has(p)), instance.identityStore, concurrency);
  const management = document.options.managementAccountId;
  const managementProvisioned = management === undefined ? undefined : await instance.identityCenter
    .listPermissionSetsProvisionedToAccount(management)
    .then((arns) => ({ arns: new Set(arns) }), (e) => ({ error: `reading the permission sets provisioned to the management account failed (${errorMessage(e)})` }));
  const index = new OrgIndex(org);
  return {
    observation: { document, revision, remembered, stateError, org, index, refs, configured, scope, current, drift, vanished, managementProvisioned },
    instance,
  };
}

/**
 * Remembered principals that no rule names any more are looked up by id (DescribeGroup,
 * DescribeUser): a group deleted in the IdP leaves its assignments listed in Identity Center
 * (IAM Identity Center troubleshooting: "the name of the user or group still appears in the UI, but
 * access fails"), and deleting them ends FAILED "the GROUP assignee ... was not found in directory"
 * (hashicorp/terraform-provider-aws#19341), run after run. A failed lookup proves nothing: the
 * principal counts as present.
 */
async function readVanished(principals: string[], store: IdentityStorePort, concurrency: number): Promise<Set<string>> {
  const results = await settleLimit(principals, concurrency, (key) => {
    const p = parsePrincipalKey(key);
    return store.principalExists(p.principalType, p.principalId);
  });
  return new Set(results.filter((r) => r.value === false).map((r) => r.item));
}

function usesTags(doc: ConfigDocument): boolean {
  return doc.rules.some((r) => 'tag' in r.target || (r.target.exclude ?? []).some((t) => 'tag' in t));
}
