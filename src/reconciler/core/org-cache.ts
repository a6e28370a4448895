// The organization a run read, kept in the state table for the run's own continuation. Reading the
// OU tree and its accounts takes one call per OU and page at Organizations' 5 requests per second:
// about 30 s at 1,000 accounts and 2 minutes at 5,000. A run that stops for time (a rollout of
// thousands of assignments) queues a continuation that goes on with the same work; reading the
// organization again there only delays it. So:
// - every applying run that reads the organization saves what it read, marked with its run id;
// - an invocation started by continuation messages alone reuses it, but only if the run that held
//   the lease just before it is the one that saved (or last reused) it: no other run has acted
//   since, on a newer reading or on none (the cache port enforces this against the lease);
// - a reading serves two invocations at most, and never once it is half an hour old: decisions
//   rest on a reading about as old as a single invocation's last decisions do;
// - anything else in the batch (an Organizations event, the schedule, a config change) reads afresh.
// Every trigger shares one FIFO message group: an event queued before a continuation is delivered
// before it or in its batch. A change whose event comes after the continuation is handled by the
// run that event starts, as a change during any single invocation is. Plans and dry runs neither
// save nor reuse (they take no lease). Tags are not part of it (they have their own cache).
import { errorMessage } from './concurrency';
import { OrgSnapshot } from './snapshot';

/** Invocations one reading serves: the one that read it and one continuation. */
export const ORG_READING_MAX_INVOCATIONS = 2;
/** And never once it is this old (a continuation delayed by retries reads afresh). */
export const ORG_REUSE_MAX_AGE_MS = 30 * 60_000;

/** The organization as a run read it, from when its reading started (epoch ms). */
export interface CachedOrganization {
  readonly org: OrgSnapshot;
  readonly readAt: number;
  /** Invocations that have used it so far. */
  readonly invocations: number;
}

/** Where the last reading of the organization is kept (the state table). */
export interface OrgCachePort {
  /**
   * The last reading, only if the run that held the lease just before this one saved or reused it
   * (so nothing has acted on the organization since), and its parts are whole; otherwise undefined.
   */
  cachedOrganization(): Promise<CachedOrganization | undefined>;
  saveOrganization(cached: Omit<CachedOrganization, 'invocations'>, runId: string): Promise<void>;
  /** This run uses the reading too: it names this run, and counts one more invocation. */
  reusedOrganization(runId: string): Promise<void>;
}

export interface OrganizationSource {
  readonly read: () => Promise<OrgSnapshot>;
  /** @default - no cache: the organization is read every time (the plan command, plans, dry runs) */
  readonly cache?: OrgCachePort;
  readonly runId: string;
  /** The run was started by continuation messages only: it may reuse the cache. */
  readonly continuation: boolean;
  readonly now: () => number;
}

export interface OrganizationRead {
  readonly org: OrgSnapshot;
  /** When the reading reused was made, if it was reused. */
  readonly reusedFrom?: number;
  /** Why the cache could not be updated (the run goes on; its continuation reads afresh). */
  readonly notice?: string;
}

/** The organization for this run: the cached reading for a continuation, when it may, otherwise a fresh one, then saved. */
export async function organizationForRun(source: OrganizationSource): Promise<OrganizationRead> {
  const { cache } = source;
  if (cache && source.continuation) {
    const cached = await cache.cachedOrganization().catch(() => undefined);
    const age = cached && source.now() - cached.readAt;
    if (cached && age !== undefined && age >= 0 && age <= ORG_REUSE_MAX_AGE_MS && cached.invocations < ORG_READING_MAX_INVOCATIONS) {
      // Unrecorded, the reuse only costs the next continuation a fresh reading (it no longer names the run before it).
      await cache.reusedOrganization(source.runId).catch(() => undefined);
      return { org: cached.org, reusedFrom: cached.readAt };
    }
  }
  const readAt = source.now();
  const org = await source.read();
  if (!cache) return { org };
  // A reading this run could not save is simply not reused: the next run's predecessor is this run, which saved nothing.
  const failure = await cache.saveOrganization({ org: { rootId: org.rootId, units: org.units, accounts: org.accounts }, readAt }, source.runId)
    .then(() => undefined, (e) => errorMessage(e));
  return failure === undefined ? { org } : { org, notice: `the organization could not be saved for this run's continuation (${failure}); it reads it again` };
}
