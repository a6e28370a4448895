import { hashString, SeededRandom } from './seeded-random';
import { SortedKeyIndex } from './sorted-key-index';
import { AwsError } from '../protocol/aws-error';

/**
 * AWS list operations document that "the service might return fewer results than the maximum even
 * when there are more results available. You should check NextToken after every operation to
 * ensure that you receive all of the results"
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html,
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_ListAccountAssignmentsForPrincipal.html).
 * A client that stops at the first short or empty page loses data silently, so the simulator
 * returns such pages on purpose, deterministically under the seed.
 */
export interface PaginationSettings {
  /** Probability that a page holds fewer items than asked although more exist. @default 0.1 */
  readonly shortPageProbability?: number;
  /** Probability that a page is empty but carries a NextToken (also after the last item). @default 0.02 */
  readonly emptyPageProbability?: number;
}

export interface PageLimits {
  /** AWS's documented MaxResults maximum for the operation. */
  readonly max: number;
  /** Page size when MaxResults is omitted. */
  readonly defaultSize: number;
}

export interface PageRequest {
  /** `service:Operation`, part of the token so one operation's token is refused by another. */
  readonly operation: string;
  /** What is listed (parent id, principal, filter...), also bound into the token. */
  readonly scope: string;
  readonly nextToken?: string;
  readonly maxResults?: number;
  /** Walk only keys that start with this prefix (an index keyed `account|permissionSet` filtered by account). */
  readonly keyPrefix?: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/** How a service says "bad token" and "bad MaxResults": each service uses its own error. */
export interface PaginationErrors {
  invalidNextToken(): AwsError;
  invalidMaxResults(value: number, max: number): AwsError;
}

interface TokenState {
  /** Hash of operation and scope. */
  readonly s: number;
  /** Last key examined. */
  readonly k?: string;
  /** Consecutive empty pages served at this position: the next decision must differ. */
  readonly e: number;
  /** Set when the previous page ended the list but a NextToken was still handed out. */
  readonly d?: 1;
}

/** Bounds one call's work when a filter rejects most items; AWS then answers a short page too. */
const MAX_SCANNED_PER_CALL = 2000;
const MAX_CONSECUTIVE_EMPTY_PAGES = 2;

export class Paginator {
  private readonly shortProbability: number;
  private readonly emptyProbability: number;

  constructor(private readonly random: SeededRandom, settings: PaginationSettings = {}) {
    this.shortProbability = probability(settings.shortPageProbability ?? 0.1, 'shortPageProbability');
    this.emptyProbability = probability(settings.emptyPageProbability ?? 0.02, 'emptyPageProbability');
  }

  public page<T, R = T>(
    index: SortedKeyIndex<T>,
    request: PageRequest,
    limits: PageLimits,
    errors: PaginationErrors,
    select: (item: T) => R | undefined = (item) => item as unknown as R,
  ): Page<R> {
    const pageSize = this.pageSize(request.maxResults, limits, errors);
    const scopeHash = hashString(`${request.operation}\u0000${request.scope}`);
    const state = request.nextToken === undefined ? { s: scopeHash, e: 0 } : decodeToken(request.nextToken, scopeHash, errors);
    if (state.d) return { items: [] };

    const draw = this.random.forKey('page', request.operation, request.scope, state.k ?? '', state.e);
    const emptyPage = draw < this.emptyProbability && state.e < MAX_CONSECUTIVE_EMPTY_PAGES;
    const target = emptyPage ? 0 : this.shortenedSize(draw, pageSize, request, state);

    const items: R[] = [];
    let lastKey = state.k;
    let scanned = 0;
    let exhausted = true;
    const prefix = request.keyPrefix;
    // Every key with the prefix sorts after the prefix minus its last character.
    const start = state.k ?? (prefix ? prefix.slice(0, -1) : undefined);
    for (const [key, value] of index.entriesAfter(start)) {
      if (prefix !== undefined && !key.startsWith(prefix)) {
        if (key < prefix) continue;
        break;
      }
      if (items.length >= target || scanned >= MAX_SCANNED_PER_CALL) {
        exhausted = false;
        break;
      }
      scanned++;
      lastKey = key;
      const selected = select(value);
      if (selected !== undefined) items.push(selected);
    }

    if (!exhausted) {
      const emptyAgain = items.length === 0 && lastKey === state.k;
      return { items, nextToken: encodeToken({ s: scopeHash, k: lastKey, e: emptyAgain ? state.e + 1 : 0 }) };
    }
    // The documented habit: a NextToken can come back although nothing is left; the next page is then empty.
    const trailing = this.random.forKey('trailing', request.operation, request.scope, lastKey ?? '') < this.emptyProbability;
    return trailing ? { items, nextToken: encodeToken({ s: scopeHash, k: lastKey, e: 0, d: 1 }) } : { items };
  }

  private pageSize(maxResults: number | undefined, limits: PageLimits, errors: PaginationErrors): number {
    if (maxResults === undefined) return limits.defaultSize;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > limits.max) throw errors.invalidMaxResults(maxResults, limits.max);
    return maxResults;
  }

  private shortenedSize(draw: number, pageSize: number, request: PageRequest, state: TokenState): number {
    const threshold = this.emptyProbability + this.shortProbability;
    if (pageSize <= 1 || draw >= threshold) return pageSize;
    const sizeDraw = this.random.forKey('size', request.operation, request.scope, state.k ?? '');
    return 1 + Math.floor(sizeDraw * (pageSize - 1));
  }
}

function probability(value: number, name: string): number {
  if (!(value >= 0 && value < 1)) throw new Error(`${name} must be in [0, 1), got ${value}`);
  return value;
}

function encodeToken(state: TokenState): string {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${payload}.${hashString(`token:${payload}`).toString(36)}`;
}

function decodeToken(token: string, scopeHash: number, errors: PaginationErrors): TokenState {
  const [payload, check] = token.split('.');
  if (!payload || check !== hashString(`token:${payload}`).toString(36)) throw errors.invalidNextToken();
  let state: TokenState;
  try {
    state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenState;
  } catch {
    throw errors.invalidNextToken();
  }
  if (state.s !== scopeHash) throw errors.invalidNextToken();
  return state;
}
