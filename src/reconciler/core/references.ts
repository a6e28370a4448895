import { errorMessage, settleLimit } from './concurrency';
import { PrincipalId, parsePrincipalKey } from './model';
import { Resolution } from './org-index';
import { IdentityCenterReadPort, IdentityStorePort } from './ports';
import { describePrincipal } from '../config/describe';
import { ConfigDocument, PrincipalDocument } from '../config/document';

/** Principal and permission set references resolved against Identity Store and Identity Center. */
export interface ResolvedReferences {
  /** Keyed by `principalLookupKey`. */
  readonly principals: ReadonlyMap<string, Resolution<PrincipalId>>;
  /** Keyed by permission set name. */
  readonly permissionSets: ReadonlyMap<string, Resolution<string>>;
}

/** The identity of a principal reference, with the group name suffix applied as the lookup will see it. */
export function principalLookupKey(principal: PrincipalDocument, groupNameSuffix = ''): string {
  if ('group' in principal) return `group:${principal.group}${groupNameSuffix}`;
  if ('groupId' in principal) return `groupId:${principal.groupId}`;
  if ('user' in principal) return `user:${principal.user}`;
  return `userId:${principal.userId}`;
}

/**
 * Resolves every principal and permission set the config names. Unknown names and failed lookups
 * become per-reference errors, which make the desired state incomplete (no deletions this run).
 * Catalog permission sets carry their ARN in the config and cost no lookup; so do the names in
 * `known` (`principalLookupKey` → `principalKey`, as earlier runs resolved them), when given.
 */
export async function resolveReferences(
  doc: ConfigDocument,
  identityStore: IdentityStorePort,
  identityCenter: IdentityCenterReadPort,
  concurrency: number,
  known: Readonly<Record<string, string>> = {},
): Promise<ResolvedReferences> {
  const suffix = doc.options.groupNameSuffix;
  const distinct = new Map<string, PrincipalDocument>();
  for (const rule of doc.rules) distinct.set(principalLookupKey(rule.principal, suffix), rule.principal);

  const principalResults = await settleLimit([...distinct.entries()], concurrency, async ([key, p]): Promise<Resolution<PrincipalId>> => {
    const remembered = known[key];
    return remembered === undefined ? lookupPrincipal(p, suffix ?? '', identityStore) : { value: parsePrincipalKey(remembered) };
  });
  const principals = new Map<string, Resolution<PrincipalId>>(principalResults.map(({ item: [key, p], value, error }) => [
    key,
    error !== undefined ? { error: `looking up ${describePrincipal(p, suffix)} failed (${errorMessage(error)})` } : value!,
  ]));

  return { principals, permissionSets: await resolvePermissionSets(doc, identityCenter, concurrency) };
}

/** One principal reference looked up in the identity store. */
export async function lookupPrincipal(p: PrincipalDocument, suffix: string, store: IdentityStorePort): Promise<Resolution<PrincipalId>> {
  if ('group' in p) {
    const id = await store.findGroupId(`${p.group}${suffix}`);
    return id ? { value: { principalType: 'GROUP', principalId: id } } : { error: `no group has the display name '${p.group}${suffix}' in the identity store`, notFound: true };
  }
  if ('user' in p) {
    const id = await store.findUserId(p.user);
    return id ? { value: { principalType: 'USER', principalId: id } } : { error: `no user has the user name '${p.user}' in the identity store`, notFound: true };
  }
  const [principalType, id] = 'groupId' in p ? ['GROUP' as const, p.groupId] : ['USER' as const, p.userId];
  return (await store.principalExists(principalType, id))
    ? { value: { principalType, principalId: id } }
    : { error: `no ${principalType.toLowerCase()} has the id '${id}' in the identity store`, notFound: true };
}

async function resolvePermissionSets(
  doc: ConfigDocument,
  port: IdentityCenterReadPort,
  concurrency: number,
): Promise<Map<string, Resolution<string>>> {
  const result = new Map<string, Resolution<string>>();
  for (const ps of doc.permissionSets) if (ps.arn) result.set(ps.name, { value: ps.arn });
  const wanted = new Set([...doc.permissionSets.map((p) => p.name), ...doc.rules.map((r) => r.permissionSet)].filter((n) => !result.has(n)));
  if (wanted.size === 0) return result;

  // There is no lookup by name: list the instance's permission sets and describe them until every
  // wanted name is found (names are unique in an instance).
  try {
    const arns = await port.listPermissionSets();
    for (let i = 0; i < arns.length && wanted.size > 0; i += concurrency) {
      const batch = arns.slice(i, i + concurrency);
      const names = await Promise.all(batch.map((arn) => port.permissionSetName(arn)));
      names.forEach((name, j) => {
        if (wanted.delete(name)) result.set(name, { value: batch[j] });
      });
    }
    for (const name of wanted) result.set(name, { error: `permission set '${name}' does not exist in the Identity Center instance`, notFound: true });
  } catch (error) {
    for (const name of wanted) result.set(name, { error: `looking up permission set '${name}' failed (${errorMessage(error)})` });
  }
  return result;
}
