// Account tags for tag rules, from a cache in the state table. Organizations answers one
// ListTagsForResource per account: 5,000 accounts at its 5 requests per second are 17 minutes, more
// than a Lambda's lifetime, run after run. So tags are read once and kept, and read again when:
// - a tag-change event names the account (TagResource/UntagResource, forwarded from us-east-1);
// - the account has no reading yet (it is new to the organization, or to the cache);
// - its reading is older than a day, oldest first, a share of the accounts per run (the events can
//   be lost: CloudTrail delivers them to EventBridge "on a best effort basis").
// What is not read in this invocation (its time ran out) is read by the next one; until every account
// has a reading, tag rules are incomplete: they grant nothing new and delete nothing.
import { errorMessage, settleLimit } from './concurrency';
import { OrganizationsPort } from './ports';

/** Tag readings older than this are read again, as far as each run's share goes. */
export const TAG_REFRESH_AGE_MS = 24 * 60 * 60_000;
/** Of the accounts whose reading is old, a run reads again at most this share (and at least MIN_REFRESH). */
const REFRESH_SHARE = 0.1;
const MIN_REFRESH = 200;
/** Readings are saved in groups of this many, so that a Lambda cut short keeps most of its work. */
const SAVE_EVERY = 100;

/** One account's tags as read at `readAt` (epoch ms). */
export interface TagReading {
  readonly accountId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly readAt: number;
}

/** Where tag readings are kept between runs (the state table). */
export interface TagCachePort {
  tagReadings(): Promise<TagReading[]>;
  /** Saves readings, replacing those of the same accounts. */
  saveTagReadings(readings: readonly TagReading[]): Promise<void>;
  forgetTagReadings(accountIds: readonly string[]): Promise<void>;
}

export interface TagReadOptions {
  /** @default - no cache: every account is read (the plan command) */
  readonly cache?: TagCachePort;
  /** Accounts a tag-change event of this run's trigger names: read whatever their reading's age. */
  readonly changed?: ReadonlySet<string>;
  readonly now: () => number;
  /** True once no new read may start. @default - never */
  readonly stop?: () => boolean;
  readonly concurrency: number;
}

export interface TagRead {
  /** The latest tags of every account that has a reading. */
  readonly tags: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Accounts with no reading after this invocation: tag rules are incomplete while there are any. */
  readonly unread: ReadonlySet<string>;
  /** Accounts read in this invocation and kept (0 when the cache refused them). */
  readonly read: number;
  readonly notices: string[];
}

/** The tags of `accountIds`: cached, and read where the cache has none, an event says they changed, or a share of the oldest. */
export async function readAccountTags(accountIds: readonly string[], port: OrganizationsPort, options: TagReadOptions): Promise<TagRead> {
  const notices: string[] = [];
  const cached = new Map<string, TagReading>();
  if (options.cache) {
    try {
      for (const r of await options.cache.tagReadings()) cached.set(r.accountId, r);
    } catch (e) {
      notices.push(`the cached account tags could not be read (${errorMessage(e)}); every account's tags are read`);
    }
  }
  const now = options.now();
  const present = new Set(accountIds);
  const changed = accountIds.filter((id) => options.changed?.has(id) && cached.has(id));
  if (options.cache && changed.length > 0) {
    // Forgotten first: if this invocation cannot read them again, the next one must.
    await options.cache.forgetTagReadings(changed).catch((e) => notices.push(`cached tags of changed accounts could not be deleted (${errorMessage(e)})`));
    for (const id of changed) cached.delete(id);
  }
  const required = accountIds.filter((id) => !cached.has(id));
  const old = accountIds
    .filter((id) => cached.has(id) && now - cached.get(id)!.readAt >= TAG_REFRESH_AGE_MS)
    .sort((a, b) => cached.get(a)!.readAt - cached.get(b)!.readAt);
  const wanted = [...required, ...old.slice(0, Math.max(MIN_REFRESH, Math.ceil(REFRESH_SHARE * accountIds.length)))];

  const fresh: TagReading[] = [];
  let unsaved: TagReading[] = [];
  let saveFailed: string | undefined;
  const save = async (batch: TagReading[]) => {
    if (!options.cache || batch.length === 0 || saveFailed) return;
    await options.cache.saveTagReadings(batch).catch((e) => { saveFailed = errorMessage(e); });
  };
  const results = await settleLimit(wanted, options.concurrency, async (accountId) => {
    if (options.stop?.()) return undefined;
    const reading: TagReading = { accountId, tags: await port.listAccountTags(accountId), readAt: options.now() };
    fresh.push(reading);
    unsaved.push(reading);
    if (unsaved.length >= SAVE_EVERY) {
      const batch = unsaved;
      unsaved = [];
      await save(batch);
    }
    return reading;
  });
  await save(unsaved);
  if (saveFailed) notices.push(`account tags read in this run could not be cached (${saveFailed}); the next run reads them again`);

  const latest = new Map<string, Readonly<Record<string, string>>>();
  for (const [id, r] of cached) if (present.has(id)) latest.set(id, r.tags);
  for (const r of fresh) latest.set(r.accountId, r.tags);
  const failed = results.filter((r) => r.error !== undefined);
  if (failed.length > 0) {
    notices.push(`the tags of ${failed.length} account(s) could not be read (${errorMessage(failed[0].error)}); `
      + 'those without an earlier reading leave the tag rules incomplete this run');
  }
  const unread = new Set(accountIds.filter((id) => !latest.has(id)));
  if (unread.size > 0 && options.cache) {
    notices.push(`the tags of ${unread.size} account(s) are not read yet (${fresh.length} read in this invocation); `
      + 'rules with tag targets or exclusions grant nothing new and remove nothing until every account is read');
  }
  // Accounts that left the organization keep no reading.
  const gone = [...cached.keys()].filter((id) => !present.has(id));
  if (options.cache && gone.length > 0) {
    await options.cache.forgetTagReadings(gone).catch((e) => notices.push(`cached tags of accounts no longer in the organization could not be deleted (${errorMessage(e)})`));
  }
  // Only what was kept counts as progress: readings that could not be saved would be read again, continuation after continuation.
  return { tags: latest, unread, read: options.cache && saveFailed ? 0 : fresh.length, notices };
}
