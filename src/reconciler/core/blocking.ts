import { DesiredState } from './desired';
import type { Labels } from './labels';
import { pairKey, parsePairKey } from './model';
import { ResolvedReferences, principalLookupKey } from './references';
import { ConfiguredNames } from './scope';
import { describePrincipal, describeRule } from '../config/describe';
import { ConfigDocument } from '../config/document';

/** Which deletions must wait, and why: deletions happen only on complete information. */
export interface DeletionBlocks {
  /** Why no deletion at all may happen this run (the state could not be read); empty when none. */
  readonly all: string[];
  /** `pairKey` → why the deletions of that pair wait: its desired state is not known completely. */
  readonly pairs: ReadonlyMap<string, string[]>;
  /** Owned pairs of principals gone from the identity store: released (never deleted), blocking nothing. */
  readonly released: ReadonlySet<string>;
}

export interface BlockingFacts {
  readonly document: ConfigDocument;
  readonly refs: ResolvedReferences;
  readonly desired: DesiredState;
  readonly configured: ConfiguredNames;
  /** Owned pairs: configured now or remembered. */
  readonly owned: ReadonlySet<string>;
  /** `principalLookupKey` → `principalKey` of the names that resolved in earlier runs. */
  readonly rememberedNames: Readonly<Record<string, string>>;
  /** Principals (`principalKey`s) the identity store no longer has. */
  readonly vanished: ReadonlySet<string>;
  readonly labels: Labels;
  /** Why the remembered state could not be read. */
  readonly stateError?: string;
}

/**
 * An unresolved reference blocks only the deletions of the pairs whose desired state it makes
 * incomplete: the pair of its rule when principal and permission set are known (an unknown OU or
 * account, an ambiguous name), or the pairs its principal held when the name resolved before.
 * One exception keeps the seed's worst failure (a one-letter typo that revoked a whole group's
 * access) impossible: while a name that never resolved is unresolved, it may be a typo that replaced
 * a working rule, so the deletions of every owned pair the config no longer names wait too.
 * A principal that resolved before and is gone from the identity store was deleted, not
 * mistyped: its pairs are released (reported, never deleted), and it blocks nothing.
 */
export function deletionBlocks(facts: BlockingFacts): DeletionBlocks {
  const { document, refs, desired, configured, owned, rememberedNames, vanished, labels } = facts;
  const all = facts.stateError ? [facts.stateError] : [];
  const pairs = new Map<string, string[]>();
  // A principal gone from the identity store was deleted: its pairs are released, whether a rule still names it or not.
  const released = new Set([...owned].filter((p) => vanished.has(parsePairKey(p).principal)));
  const block = (pair: string, reason: string) => pairs.set(pair, [...(pairs.get(pair) ?? []), reason]);
  const ownedOf = (principal: string) => [...owned].filter((p) => parsePairKey(p).principal === principal);
  const unnamedOwned = () => [...owned].filter((p) => !configured.pairs.has(p));
  const typoGuard = (name: string, reason: string) => {
    for (const pair of unnamedOwned()) block(pair, `${name} has never resolved, so it may be a typo that replaced a working rule (${reason})`);
  };

  for (const index of desired.incompleteRules) {
    const rule = document.rules[index];
    const lookup = principalLookupKey(rule.principal, document.options.groupNameSuffix);
    const principal = refs.principals.get(lookup);
    const permissionSet = refs.permissionSets.get(rule.permissionSet);
    const reason = desired.errors.find((e) => e.startsWith(describeRule(rule, index))) ?? describeRule(rule, index);
    const arn = permissionSet && 'value' in permissionSet ? permissionSet.value : undefined;

    if (principal && 'value' in principal) {
      if (arn !== undefined) {
        block(pairKey({ ...principal.value, permissionSetArn: arn }), reason);
      } else {
        // The permission set is unknown: the principal's pairs with a permission set of that name wait.
        const known = ownedOf(`${principal.value.principalType}:${principal.value.principalId}`)
          .filter((p) => labels[parsePairKey(p).permissionSetArn] === rule.permissionSet);
        if (known.length > 0) known.forEach((p) => block(p, reason));
        else typoGuard(`permission set '${rule.permissionSet}'`, reason);
      }
      continue;
    }
    const before = rememberedNames[lookup];
    if (before === undefined) {
      typoGuard(describePrincipal(rule.principal, document.options.groupNameSuffix), reason);
    } else if (!vanished.has(before)) {
      // Resolved before, still exists by id, but the name does not resolve (renamed?) or the lookup failed.
      const held = ownedOf(before).filter((p) => arn === undefined || parsePairKey(p).permissionSetArn === arn);
      held.forEach((p) => block(p, reason));
    }
  }
  return { all, pairs, released };
}
