import { createHash } from 'crypto';

// Neighbours on one Identity Center instance: every automation publishes the pairs it owns, as
// claims, where the others on the instance read them (SSM parameters under one path per instance,
// in the account and region of the automation; adapters/ssm-claims.ts). A pair that two automations
// own is left to the one that claimed it first: the other reports it, and neither creates nor
// deletes its assignments, so the two never undo each other's work. Claims are hashes of the pair
// keys (16 hex digits: no principal ids or ARNs in the clear, and 500 pairs in a few kilobytes).

export interface ClaimsDocument {
  readonly version: 1;
  /** The automation's event bus name: its identity among the automations of one account. */
  readonly automation: string;
  /** Claim (hashed pair key) → when it was first claimed, epoch seconds. */
  readonly claims: Readonly<Record<string, number>>;
}

/** Another automation's claim on a pair this one owns, made earlier. */
export interface Contest {
  readonly automation: string;
  /** ISO time of its claim. */
  readonly since: string;
}

export function claimOf(pairKey: string): string {
  return createHash('sha256').update(pairKey).digest('hex').slice(0, 16);
}

/**
 * The owned pairs another automation claimed first (an earlier claim; on the same second, the
 * automation whose name sorts first), with who it was.
 */
export function contestedPairs(
  owned: Iterable<string>,
  own: ClaimsDocument | undefined,
  siblings: readonly ClaimsDocument[],
  automation: string,
  nowSeconds: number,
): Map<string, Contest> {
  const contested = new Map<string, Contest>();
  for (const pair of owned) {
    const claim = claimOf(pair);
    const ours = own?.claims[claim] ?? nowSeconds;
    let first: { automation: string; since: number } | undefined;
    for (const sibling of siblings) {
      const theirs = sibling.claims[claim];
      if (theirs === undefined || sibling.automation === automation) continue;
      const earlier = theirs < ours || (theirs === ours && sibling.automation < automation);
      if (earlier && (first === undefined || theirs < first.since)) first = { automation: sibling.automation, since: theirs };
    }
    if (first) contested.set(pair, { automation: first.automation, since: new Date(first.since * 1000).toISOString() });
  }
  return contested;
}

/** The claims to publish for these pairs, keeping the time of every claim already made; undefined when unchanged. */
export function nextClaims(
  pairs: Iterable<string>, own: ClaimsDocument | undefined, automation: string, nowSeconds: number,
): ClaimsDocument | undefined {
  const claims: Record<string, number> = {};
  for (const pair of pairs) {
    const claim = claimOf(pair);
    claims[claim] = own?.claims[claim] ?? nowSeconds;
  }
  const sorted = Object.fromEntries(Object.entries(claims).sort(([a], [b]) => (a < b ? -1 : 1)));
  const next: ClaimsDocument = { version: 1, automation, claims: sorted };
  return own !== undefined && JSON.stringify(own.claims) === JSON.stringify(sorted) && own.automation === automation ? undefined : next;
}
