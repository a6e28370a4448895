// The assignment config document: what AssignmentAutomation writes to SSM and the reconciler reads.
//
// This module is the single definition of its shape. It has no dependencies so that both the
// construct (compiled by jsii) and the Lambda (bundled by esbuild) import it; the run-time schema in
// `schema.ts` is checked against these types at compile time.

/**
 * Bumped on any incompatible change; the reconciler refuses versions it does not know. Version 2
 * took the guard settings (dryRun, maxDeletionsPerRun) out of the document, into the function's
 * configuration, so that a hand edit of the parameter can change rules but never the guards; the
 * reconciler still reads version 1 (what a stack not yet updated holds), ignoring those settings.
 */
export const CONFIG_VERSION = 2;
/** The versions this reconciler reads. */
export const READABLE_CONFIG_VERSIONS: readonly number[] = [1, CONFIG_VERSION];

/** A principal by display name, user name or id. Exactly one key is present. */
export type PrincipalDocument =
  | { readonly group: string }
  | { readonly groupId: string }
  | { readonly user: string }
  | { readonly userId: string };

/** The base selections of accounts. Exactly one key is present. */
export type BaseTargetDocument =
  | { readonly all: true }
  /** An OU by path (`Root/Workloads/Prod`), id (`ou-...`, `r-...`) or unique name; `nested: false` for direct children only. */
  | { readonly ou: string; readonly nested?: false }
  /** An account by 12-digit id or unique name. */
  | { readonly account: string }
  | { readonly tag: { readonly key: string; readonly value: string } };

/** A selection of accounts, minus any excluded selections. */
export type TargetDocument = BaseTargetDocument & { readonly exclude?: BaseTargetDocument[] };

export interface RuleDocument {
  readonly principal: PrincipalDocument;
  /** The permission set name; its ARN is in `permissionSets` when known at deploy time. */
  readonly permissionSet: string;
  readonly target: TargetDocument;
  /**
   * When the rule stops granting: epoch seconds, UTC (`Expiration.toEpoch()`, the resolution the
   * construct's prop has). Absent in documents written before expiries existed, and for rules that
   * never expire: the field is optional, so those documents stay valid at the same version.
   */
  readonly expires?: number;
}

export interface PermissionSetDocument {
  readonly name: string;
  /** Known for catalog permission sets; looked up by name otherwise. */
  readonly arn?: string;
}

export interface OptionsDocument {
  /** Appended to every group display name before lookup (the seed's AdDomain). */
  readonly groupNameSuffix?: string;
  /** Set in delegated-admin mode: the management account is out of reach and never planned. */
  readonly managementAccountId?: string;
}

export interface ConfigDocument {
  readonly version: typeof CONFIG_VERSION;
  readonly instanceArn: string;
  readonly identityStoreId: string;
  readonly options: OptionsDocument;
  /** Every managed permission set: the catalog's and those named by rules. */
  readonly permissionSets: PermissionSetDocument[];
  readonly rules: RuleDocument[];
}

/**
 * How the document is stored: the head parameter carries everything but the rules that did not
 * fit, and names the part parameters holding the rest. Every stored piece carries the same
 * `revision`, so a reader can tell a half-deployed set of parameters from a consistent one.
 */
export interface HeadDocument extends Omit<ConfigDocument, 'rules'> {
  readonly revision: string;
  readonly parts: string[];
  readonly rules: RuleDocument[];
}

export interface PartDocument {
  readonly revision: string;
  /** Managed permission sets that did not fit the head. */
  readonly permissionSets?: PermissionSetDocument[];
  readonly rules: RuleDocument[];
}

/** SSM value limits: https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html */
export const STANDARD_PARAMETER_MAX_BYTES = 4096;
export const ADVANCED_PARAMETER_MAX_BYTES = 8192;

/** What one stored piece holds, besides the head's header fields. */
export interface StoredPiece {
  readonly permissionSets: PermissionSetDocument[];
  readonly rules: RuleDocument[];
}

/** A document laid out over parameters; `head` goes to the parameter the reconciler is told about. */
export interface StoredLayout {
  readonly head: Omit<HeadDocument, 'parts' | 'revision'>;
  readonly parts: StoredPiece[];
}

/**
 * Splits a document so that every stored value stays under `maxBytes`.
 *
 * `measure` returns the serialized size of a value; the construct's version counts unresolved
 * tokens (permission set ARNs) at their largest possible length. `reserve(partCount)` is the room
 * kept for `revision` and the list of part names. Permission sets, then rules, are packed greedily
 * in order, the head first, so the layout is deterministic, and every item is measured once.
 */
export function layoutDocument(
  doc: ConfigDocument,
  maxBytes: number,
  measure: (value: unknown) => number,
  reserve: (partCount: number) => number,
): StoredLayout {
  const { rules, permissionSets, ...header } = doc;
  const items: Item[] = [
    ...permissionSets.map((value): Item => ({ list: 'permissionSets', value, size: measure(value) })),
    ...rules.map((value): Item => ({ list: 'rules', value, size: measure(value) })),
  ];
  const emptyPiece = measure({ permissionSets: [], rules: [] });
  for (let assumedParts = 0; ; assumedParts = Math.max(assumedParts * 2, 1)) {
    const headBase = measure({ ...header, permissionSets: [], rules: [] }) + reserve(assumedParts);
    if (headBase > maxBytes) {
      throw new Error(`the config document's header needs ${headBase} bytes, more than a parameter holds (${maxBytes})`);
    }
    const pieces = packInOrder(items, headBase, emptyPiece + reserve(0), maxBytes);
    const parts = pieces.slice(1);
    if (parts.length <= assumedParts) {
      return { head: { ...header, ...pieces[0] }, parts };
    }
  }
}

interface Item {
  readonly list: 'permissionSets' | 'rules';
  readonly value: PermissionSetDocument | RuleDocument;
  readonly size: number;
}

/** Greedy packing of items, in order, into pieces; the first has its own base size. */
function packInOrder(items: Item[], firstBase: number, otherBase: number, maxBytes: number): StoredPiece[] {
  const pieces: Array<{ permissionSets: PermissionSetDocument[]; rules: RuleDocument[] }> = [{ permissionSets: [], rules: [] }];
  let used = firstBase;
  for (const item of items) {
    // Each item costs its size and a comma; counting a comma for the first of a list is a byte of margin.
    if (used + item.size + 1 > maxBytes) {
      if (otherBase + item.size + 1 > maxBytes) {
        const what = item.list === 'rules' ? 'assignment rule' : 'permission set';
        throw new Error(`${what} ${JSON.stringify(item.value)} alone is larger than a parameter holds (${maxBytes} bytes)`);
      }
      pieces.push({ permissionSets: [], rules: [] });
      used = otherBase;
    }
    used += item.size + 1;
    const piece = pieces[pieces.length - 1];
    if (item.list === 'rules') piece.rules.push(item.value as RuleDocument);
    else piece.permissionSets.push(item.value as PermissionSetDocument);
  }
  return pieces;
}

/** A part as stored: the permission sets key only when it has any. */
export function partDocument(revision: string, piece: StoredPiece): PartDocument {
  return piece.permissionSets.length > 0 ? { revision, permissionSets: piece.permissionSets, rules: piece.rules } : { revision, rules: piece.rules };
}

/**
 * Reassembles the document from its head and parts, or explains why it cannot.
 * Parts must be given in the order the head lists them.
 */
export function assembleDocument(head: HeadDocument, parts: PartDocument[]): { document: ConfigDocument } | { inconsistent: string } {
  if (parts.length !== head.parts.length) {
    return { inconsistent: `the head lists ${head.parts.length} part(s) but ${parts.length} were read` };
  }
  const stale = parts.findIndex((p) => p.revision !== head.revision);
  if (stale >= 0) {
    return { inconsistent: `part ${head.parts[stale]} is at revision ${parts[stale].revision}, the head at ${head.revision} (a deployment is probably in progress)` };
  }
  const { revision: _revision, parts: _parts, rules, permissionSets, ...rest } = head;
  return {
    document: {
      ...rest,
      permissionSets: [...permissionSets, ...parts.flatMap((p) => p.permissionSets ?? [])],
      rules: [...rules, ...parts.flatMap((p) => p.rules)],
    },
  };
}
