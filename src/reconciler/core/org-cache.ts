// The organization a run read, kept in the state table for the run's own continuations. Reading the
// OU tree and its accounts takes one call per OU and page at Organizations' 5 requests per second:
// about 30 s at 1,000 accounts and 2 minutes at 5,000. A run that stops for time (a rollout of
// thousands of assignments) queues a continuation that goes on with the same work; reading the
// organization again there only delays it. So:
// - every run that reads the organization saves what it read (the cache is always the latest reading
//   of any run, never an older one that a later run has seen past);
// - an invocation started by continuation messages alone reuses it, if it is at most an hour old;
// - anything else in the batch (an Organizations event, the schedule, a config change) reads afresh.
// Every trigger shares one FIFO message group: an event queued before a continuation is delivered
// before it or in its batch, so a continuation reuses nothing older than the events seen so far. A
// change whose event comes after the continuation is handled by the run that event starts, as a
// change during any single invocation is. Tags are not part of it (they have their own cache).
import { errorMessage } from './concurrency';
import { OrgSnapshot } from './snapshot';

/** A continuation reuses an organization read at most this long ago (a run of four Lambda lifetimes reads it twice). */
export const ORG_REUSE_MAX_AGE_MS = 60 * 60_000;

/** The organization as a run read it, from when its reading started (epoch ms). */
export interface CachedOrganization {
  readonly org: OrgSnapshot;
  readonly readAt: number;
}

/** Where the last reading of the organization is kept (the state table). */
export interface OrgCachePort {
  /** The last reading saved, or undefined when there is none (or it is unusable). */
  cachedOrganization(): Promise<CachedOrganization | undefined>;
  saveOrganization(cached: CachedOrganization): Promise<void>;
  forgetOrganization(): Promise<void>;
}

export interface OrganizationSource {
  readonly read: () => Promise<OrgSnapshot>;
  /** @default - no cache: the organization is read every time (the plan command) */
  readonly cache?: OrgCachePort;
  /** The run was started by continuation messages only: it may reuse the cache. */
  readonly continuation: boolean;
  readonly now: () => number;
}

export interface OrganizationRead {
  readonly org: OrgSnapshot;
  /** When the reading reused was made, if it was reused. */
  readonly reusedFrom?: number;
  /** Why the cache could not be updated (the run goes on; its continuations read afresh). */
  readonly notice?: string;
}

/** The organization for this run: the cached reading for a continuation, otherwise a fresh one, then saved. */
export async function organizationForRun(source: OrganizationSource): Promise<OrganizationRead> {
  const { cache } = source;
  if (cache && source.continuation) {
    const cached = await cache.cachedOrganization().catch(() => undefined);
    const age = cached && source.now() - cached.readAt;
    if (cached && age !== undefined && age >= 0 && age <= ORG_REUSE_MAX_AGE_MS) return { org: cached.org, reusedFrom: cached.readAt };
  }
  const readAt = source.now();
  const org = await source.read();
  if (!cache) return { org };
  const saved = await cache.saveOrganization({ org: { rootId: org.rootId, units: org.units, accounts: org.accounts }, readAt }).then(
    () => undefined,
    (e) => errorMessage(e),
  );
  if (saved === undefined) return { org };
  // An older reading left in place could be reused after this run has seen past it: it goes.
  const forgotten = await cache.forgetOrganization().then(() => true, () => false);
  return {
    org,
    notice: `the organization could not be saved for this run's continuations (${saved})${forgotten ? '' : '; the last saved reading could not be removed either'}`,
  };
}
