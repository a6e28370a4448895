import { AccountReading, BoundedReadOptions, readPerAccountBounded } from './account-readings';
import { errorMessage, settleLimit } from './concurrency';
import { Assignment, PrincipalId, assignmentKey, pairKey, parsePairKey, principalKey } from './model';
import { IdentityCenterReadPort, PrincipalReadsUnavailable } from './ports';

export interface CurrentState {
  /** Assignments of owned (principal, permission set) pairs, in any account, as read this run. */
  readonly assignments: ReadonlyMap<string, Assignment>;
  /** Managed principals whose assignments could not be read: nothing is planned for them. */
  readonly unreadPrincipals: ReadonlySet<string>;
}

export interface CurrentRead extends CurrentState {
  /** Messages for principals whose assignments could not be read. */
  readonly failures: string[];
  /** Assignments of managed principals through pairs the reconciler does not own: reported, never touched. */
  readonly foreign: number;
  readonly strategy: 'per-principal' | 'per-account';
  /** What the run should say about the reading (the assignment reader role failed, readings not saved, ...). */
  readonly notices?: readonly string[];
  /** The per-account reading did not cover every target in this invocation: nothing is planned, and it continues. */
  readonly incomplete?: { readonly remaining: number; readonly read: number };
  /** The per-account readings the run planned from, when it read per account with readings kept. */
  readonly readings?: ReadonlyMap<string, AccountReading>;
}

/** Errors meaning this caller may not use ListAccountAssignmentsForPrincipal at all. */
const UNSUPPORTED = new Set(['AccessDeniedException', 'ValidationException']);

/**
 * Current assignments of the managed principals, read per principal with
 * ListAccountAssignmentsForPrincipal: a page per 100 assignments, instead of one
 * ListAccountAssignments call per account and permission set. If the API is refused (its
 * documentation reserves it for the management account), falls back to the per-account reading.
 * A delegated administrator reads per principal through the management account's assignment reader
 * role; when that role cannot be assumed, the per-account reading says so.
 */
export async function readCurrent(
  principals: PrincipalId[],
  ownedPairs: ReadonlySet<string>,
  accounts: string[],
  port: IdentityCenterReadPort,
  concurrency: number,
  /** How the per-account fallback is bounded and resumed. @default - read every target now (the plan command) */
  bounded?: Omit<BoundedReadOptions, 'concurrency'>,
): Promise<CurrentRead> {
  const perAccount = () => (bounded
    ? readBounded(principals, ownedPairs, accounts, port, { ...bounded, concurrency })
    : readPerAccount(ownedPairs, accounts, port, concurrency));
  if (principals.length === 0) return { assignments: new Map(), unreadPrincipals: new Set(), failures: [], foreign: 0, strategy: 'per-principal' };
  const [first, ...rest] = principals;
  try {
    const probe = await port.listAssignmentsForPrincipal(first);
    return await readPerPrincipal(first, probe, rest, ownedPairs, port, concurrency);
  } catch (error) {
    if (error instanceof PrincipalReadsUnavailable) {
      const read = await perAccount();
      return { ...read, notices: [`${error.message}; the assignments were read per account and permission set instead`, ...(read.notices ?? [])] };
    }
    if (!UNSUPPORTED.has((error as Error).name)) {
      const remaining = await readPerPrincipal(undefined, [], rest, ownedPairs, port, concurrency);
      return {
        ...remaining,
        unreadPrincipals: new Set([...remaining.unreadPrincipals, principalKey(first)]),
        failures: [`reading assignments of ${principalKey(first)} failed (${errorMessage(error)})`, ...remaining.failures],
      };
    }
    return perAccount();
  }
}

/** The per-account reading, bounded and resumable (account-readings.ts): incomplete, it plans nothing for anyone. */
async function readBounded(
  principals: PrincipalId[], owned: ReadonlySet<string>, accounts: string[], port: IdentityCenterReadPort, options: BoundedReadOptions,
): Promise<CurrentRead> {
  const read = await readPerAccountBounded(owned, accounts, port, options);
  const complete = read.remaining === 0;
  const notices = [...read.notices];
  if (!complete && read.failures.length < read.remaining) {
    notices.push(`the per-account reading is not complete: ${read.remaining} account and permission set target(s) are still to read `
      + `(${read.read} read in this invocation); nothing is planned until every one is read, and the next invocation goes on from there`);
  }
  return {
    assignments: read.assignments,
    unreadPrincipals: complete ? new Set() : new Set(principals.map(principalKey)),
    failures: read.failures,
    foreign: 0,
    strategy: 'per-account',
    notices,
    incomplete: complete ? undefined : { remaining: read.remaining, read: read.read },
    readings: read.latest,
  };
}

async function readPerPrincipal(
  first: PrincipalId | undefined,
  firstRows: Array<{ accountId: string; permissionSetArn: string }>,
  rest: PrincipalId[],
  owned: ReadonlySet<string>,
  port: IdentityCenterReadPort,
  concurrency: number,
): Promise<CurrentRead> {
  const assignments = new Map<string, Assignment>();
  const unreadPrincipals = new Set<string>();
  const failures: string[] = [];
  let foreign = 0;
  const add = (principal: PrincipalId, rows: Array<{ accountId: string; permissionSetArn: string }>) => {
    for (const row of rows) {
      const assignment: Assignment = { ...principal, ...row };
      if (!owned.has(pairKey(assignment))) {
        foreign++;
        continue;
      }
      assignments.set(assignmentKey(assignment), assignment);
    }
  };
  if (first) add(first, firstRows);
  for (const result of await settleLimit(rest, concurrency, (p) => port.listAssignmentsForPrincipal(p))) {
    if (result.error !== undefined) {
      unreadPrincipals.add(principalKey(result.item));
      failures.push(`reading assignments of ${principalKey(result.item)} failed (${errorMessage(result.error)})`);
    } else {
      add(result.item, result.value!);
    }
  }
  return { assignments, unreadPrincipals, failures, foreign, strategy: 'per-principal' };
}

/**
 * The naive reading: one ListAccountAssignments per account and permission set of the owned pairs.
 * Used when the per-principal API is refused (a delegated administrator), and by the benchmark as
 * the baseline.
 */
export async function readPerAccount(
  owned: ReadonlySet<string>,
  accounts: string[],
  port: IdentityCenterReadPort,
  concurrency: number,
): Promise<CurrentRead> {
  const parsed = [...owned].map(parsePairKey);
  const permissionSets = [...new Set(parsed.map((p) => p.permissionSetArn))];
  const wanted = new Set(parsed.map((p) => p.principal));
  const reads = accounts.flatMap((accountId) => permissionSets.map((permissionSetArn) => ({ accountId, permissionSetArn })));
  const assignments = new Map<string, Assignment>();
  const failures: string[] = [];
  for (const result of await settleLimit(reads, concurrency, (r) => port.listAssignments(r.accountId, r.permissionSetArn))) {
    if (result.error !== undefined) {
      failures.push(`reading assignments of ${result.item.permissionSetArn} in ${result.item.accountId} failed (${errorMessage(result.error)})`);
      continue;
    }
    for (const principal of result.value!) {
      const assignment: Assignment = { ...principal, ...result.item };
      if (owned.has(pairKey(assignment))) assignments.set(assignmentKey(assignment), assignment);
    }
  }
  // A failed account read leaves every principal's state unknown there, so none is trusted.
  const unreadPrincipals = failures.length > 0 ? wanted : new Set<string>();
  return { assignments, unreadPrincipals, failures, foreign: 0, strategy: 'per-account' };
}
