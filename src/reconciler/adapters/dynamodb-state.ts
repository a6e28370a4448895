import {
  AttributeValue, BatchWriteItemCommand, ConditionalCheckFailedException, DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand,
  WriteRequest,
  paginateQuery,
} from '@aws-sdk/client-dynamodb';
import { SsmDocumentStore } from './ssm-document-store';
import { AccountReading, ReadingPort } from '../core/account-readings';
import { TagCachePort, TagReading } from '../core/account-tags';
import { LegacyState, ReconcilerState, StoredState } from '../core/memory';
import { parsePrincipalKey, principalKey } from '../core/model';
import { CachedOrganization, OrgCachePort } from '../core/org-cache';
import { CatalogEntry, CatalogGeneration, LeasePort, LifecyclePort, RetiringPermissionSet, StatePort } from '../core/ports';
import { OrgAccount, OrgUnit } from '../core/snapshot';

/** The format of the records below; bumped on any incompatible change. */
const FORMAT = 2;
/** BatchWriteItem takes at most 25 requests. */
const BATCH = 25;

type Item = Record<string, AttributeValue>;

/**
 * The reconciler's state in its DynamoDB table, one item per fact, so that a write changes only
 * what changed and an interrupted write leaves every other fact intact:
 * - `META`/`state`: the format and where the state came from;
 * - `PAIR`/`<principal>|<permission set ARN>`: an owned pair;
 * - `NAME`/`<lookup key>`: the principal a name resolved to;
 * - `LABEL`/`<principal key or ARN>`: a readable name;
 * - `LEASE`/`run`: the run lease;
 * - `RETIRING`/`<permission set ARN>`: a catalog permission set CloudFormation retired, until it is
 *   drained and deleted (written by the lifecycle custom resources, outside any run);
 * - `GENERATION`/`<id>`: a deployed set of catalog permission sets, the latest being the catalog now;
 * - `UNINSTALL`/`state`: the automation is being uninstalled, and under which removal policy;
 * - `READING`/`<account>|<permission set ARN>`: the principals holding the set there, as the
 *   per-account reading (a delegated administrator without the reader role) last saw them;
 * - `TAGS`/`<account>`: an account's tags as last read, for tag rules (about 100 bytes an account:
 *   5,000 accounts are one Query page of 1 MB).
 * - `ORG`/`head` and `ORG`/`part#<n>`: the organization as the last run read it (for its continuations),
 *   as JSON cut into parts of at most 100,000 characters (an item holds at most 400 KB; 5,000 accounts
 *   are about 4 parts). The head, written last, names the parts' generation (a save cut short leaves
 *   parts the head does not name, and a reading whose parts do not all match is no reading), the run
 *   that saved or last reused it, and how many invocations used it. It is only handed to the run that
 *   takes the lease next after that one: the `LEASE` item is expired on release, not deleted, so that
 *   it names the run before.
 * A table without `META` has never been written: the legacy SSM state (earlier versions) is read
 * instead, once, and migrated by the first write.
 */
export class DynamoDbStateStore implements StatePort, LeasePort, LifecyclePort, ReadingPort, TagCachePort, OrgCachePort {
  /** What the table held when last read or written: writes send the difference. */
  private known?: ReconcilerState;
  private migrated = false;
  /** Who held the lease before this store's run took it (the lease item keeps its last holder). */
  private previousHolder?: string;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly legacy?: SsmDocumentStore,
    private readonly now: () => number = Date.now,
  ) {}

  async read(): Promise<StoredState> {
    const [meta, pairs, names, labels] = await Promise.all(['META', 'PAIR', 'NAME', 'LABEL'].map((kind) => this.query(kind)));
    if (meta.length === 0) {
      this.known = { pairs: [], names: {}, labels: {} };
      const legacy = await this.legacy?.read();
      return legacy === undefined ? { empty: true } : { legacy: parseLegacy(legacy) };
    }
    const format = Number(meta[0].format?.N);
    if (format !== FORMAT) throw new Error(`the state table holds format ${format}; this reconciler reads format ${FORMAT}`);
    this.migrated = true;
    this.known = {
      pairs: pairs.map((i) => i.sk.S!).sort(),
      names: Object.fromEntries(names.map((i) => [i.sk.S!, i.principal.S!])),
      labels: Object.fromEntries(labels.map((i) => [i.sk.S!, i.label.S!])),
    };
    return { state: this.known };
  }

  async write(state: ReconcilerState): Promise<void> {
    const before = this.known ?? (await this.read(), this.known!);
    const requests: WriteRequest[] = [
      ...diff(new Set(before.pairs), new Set(state.pairs), 'PAIR', () => ({})),
      ...diffRecord(before.names, state.names, 'NAME', (principal) => ({ principal: { S: principal } })),
      ...diffRecord(before.labels, state.labels, 'LABEL', (label) => ({ label: { S: label } })),
    ];
    for (let i = 0; i < requests.length; i += BATCH) await this.batchWrite(requests.slice(i, i + BATCH));
    if (!this.migrated) {
      // Written last: until it exists, a crashed first write is simply done again.
      await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: { ...key('META', 'state'), format: { N: String(FORMAT) }, createdAt: { S: new Date(this.now()).toISOString() } },
      }));
      this.migrated = true;
    }
    this.known = state;
  }

  async acquire(holder: string, ttlMs: number): Promise<boolean> {
    try {
      const result = await this.client.send(new PutItemCommand({
        TableName: this.tableName,
        Item: { ...key('LEASE', 'run'), holder: { S: holder }, expiresAt: { N: String(this.now() + ttlMs) } },
        // Free, expired (a crashed run), or ours already.
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR holder = :holder',
        ExpressionAttributeValues: { ':now': { N: String(this.now()) }, ':holder': { S: holder } },
        ReturnValues: 'ALL_OLD',
      }));
      this.previousHolder = result.Attributes?.holder?.S;
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException || (e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  /** Released by expiring it at once: the item keeps its holder, so that the next one learns who ran last. */
  async release(holder: string): Promise<void> {
    try {
      await this.client.send(new UpdateItemCommand({
        TableName: this.tableName,
        Key: key('LEASE', 'run'),
        UpdateExpression: 'SET expiresAt = :zero',
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': { S: holder }, ':zero': { N: '0' } },
      }));
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }

  async retiring(): Promise<RetiringPermissionSet[]> {
    return (await this.query('RETIRING')).map((i) => ({
      permissionSetArn: i.sk.S!, name: i.name?.S ?? i.sk.S!, since: i.since?.S ?? '', confirmed: i.confirmed?.BOOL === true,
    }));
  }

  async uninstalling(): Promise<'retain' | 'destroy' | undefined> {
    const [item] = await this.query('UNINSTALL');
    const policy = item?.policy?.S;
    return policy === 'retain' || policy === 'destroy' ? policy : undefined;
  }

  async markUninstalling(policy: 'retain' | 'destroy' | undefined): Promise<void> {
    if (policy === undefined) {
      await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: key('UNINSTALL', 'state') }));
    } else {
      await this.client.send(new PutItemCommand({ TableName: this.tableName, Item: { ...key('UNINSTALL', 'state'), policy: { S: policy } } }));
    }
  }

  async generations(): Promise<CatalogGeneration[]> {
    return (await this.query('GENERATION'))
      .map((i) => ({ id: i.sk.S!, permissionSets: JSON.parse(i.permissionSets.S!) as CatalogEntry[], createdAt: i.createdAt.S! }))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }

  async addGeneration(id: string, permissionSets: readonly CatalogEntry[]): Promise<void> {
    await this.client.send(new PutItemCommand({
      TableName: this.tableName,
      Item: { ...key('GENERATION', id), permissionSets: { S: JSON.stringify(permissionSets) }, createdAt: { S: new Date(this.now()).toISOString() } },
    }));
  }

  async removeGeneration(id: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: key('GENERATION', id) }));
  }

  async markRetiring(permissionSets: readonly CatalogEntry[], confirmed: boolean): Promise<void> {
    const since = new Date(this.now()).toISOString();
    const requests = permissionSets.map((p): WriteRequest => ({
      PutRequest: { Item: { ...key('RETIRING', p.permissionSetArn), name: { S: p.name }, since: { S: since }, confirmed: { BOOL: confirmed } } },
    }));
    for (let i = 0; i < requests.length; i += BATCH) await this.batchWrite(requests.slice(i, i + BATCH));
  }

  async retired(permissionSetArn: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: key('RETIRING', permissionSetArn) }));
  }

  async readings(): Promise<AccountReading[]> {
    return (await this.query('READING')).map((i) => {
      const sk = i.sk.S!;
      const bar = sk.indexOf('|');
      const principals = (JSON.parse(i.principals.S!) as string[]).map(parsePrincipalKey);
      return { accountId: sk.slice(0, bar), permissionSetArn: sk.slice(bar + 1), principals, readAt: Number(i.readAt.N) };
    });
  }

  async saveReadings(readings: readonly AccountReading[]): Promise<void> {
    const requests = readings.map((r): WriteRequest => ({
      PutRequest: {
        Item: {
          ...key('READING', `${r.accountId}|${r.permissionSetArn}`),
          principals: { S: JSON.stringify(r.principals.map(principalKey)) },
          readAt: { N: String(r.readAt) },
        },
      },
    }));
    for (let i = 0; i < requests.length; i += BATCH) await this.batchWrite(requests.slice(i, i + BATCH));
  }

  async forgetReadings(targets: ReadonlyArray<{ accountId: string; permissionSetArn: string }>): Promise<void> {
    const requests = targets.map((t): WriteRequest => ({ DeleteRequest: { Key: key('READING', `${t.accountId}|${t.permissionSetArn}`) } }));
    for (let i = 0; i < requests.length; i += BATCH) await this.batchWrite(requests.slice(i, i + BATCH));
  }

  async tagReadings(): Promise<TagReading[]> {
    return (await this.query('TAGS')).map((i) => ({
      accountId: i.sk.S!, tags: JSON.parse(i.tags.S!) as Record<string, string>, readAt: Number(i.readAt.N),
    }));
  }

  async saveTagReadings(readings: readonly TagReading[]): Promise<void> {
    const requests = readings.map((r): WriteRequest => ({
      PutRequest: { Item: { ...key('TAGS', r.accountId), tags: { S: JSON.stringify(r.tags) }, readAt: { N: String(r.readAt) } } },
    }));
    for (let i = 0; i < requests.length; i += BATCH) await this.batchWrite(requests.slice(i, i + BATCH));
  }

  async forgetTagReadings(accountIds: readonly string[]): Promise<void> {
    const requests = accountIds.map((id): WriteRequest => ({ DeleteRequest: { Key: key('TAGS', id) } }));
    for (let i = 0; i < requests.length; i += BATCH) await this.batchWrite(requests.slice(i, i + BATCH));
  }

  /** The reading, only if the run that held the lease just before this store's run saved or reused it last. */
  async cachedOrganization(): Promise<CachedOrganization | undefined> {
    if (this.previousHolder === undefined) return undefined;
    const items = await this.query('ORG');
    const head = items.find((i) => i.sk.S === 'head');
    if (!head || head.savedBy?.S !== this.previousHolder) return undefined;
    const generation = head.generation?.S;
    const count = Number(head.parts?.N);
    const parts = items.filter((i) => i.sk.S!.startsWith('part#') && i.generation?.S === generation)
      .sort((a, b) => partIndex(a) - partIndex(b));
    if (parts.length !== count || parts.some((p, i) => partIndex(p) !== i)) return undefined;
    const stored = JSON.parse(parts.map((p) => p.json.S!).join('')) as StoredOrganization;
    return {
      readAt: Number(head.readAt.N),
      invocations: Number(head.invocations?.N ?? 1),
      org: { rootId: stored.rootId, units: new Map(stored.units.map((u) => [u.id, u])), accounts: new Map(stored.accounts.map((a) => [a.id, a])) },
    };
  }

  async saveOrganization(cached: Omit<CachedOrganization, 'invocations'>, runId: string): Promise<void> {
    const { rootId, units, accounts } = cached.org;
    const stored: StoredOrganization = { rootId, units: [...units.values()], accounts: [...accounts.values()] };
    const json = JSON.stringify(stored);
    const generation = `${cached.readAt}-${Math.random().toString(36).slice(2, 10)}`;
    const parts: WriteRequest[] = [];
    for (let start = 0; start < json.length;) {
      let end = Math.min(json.length, start + ORG_PART_CHARS);
      // Never between the two halves of a surrogate pair (an OU name may hold any character): each part must be valid UTF-16.
      if (end < json.length && /[\uD800-\uDBFF]/.test(json[end - 1])) end--;
      const item = { ...key('ORG', `part#${parts.length}`), generation: { S: generation }, json: { S: json.slice(start, end) } };
      parts.push({ PutRequest: { Item: item } });
      start = end;
    }
    // A batch holds at most 16 MB, and 25 parts of 300 KB at most would exceed it: 10 at a time.
    for (let i = 0; i < parts.length; i += 10) await this.batchWrite(parts.slice(i, i + 10));
    await this.client.send(new PutItemCommand({
      TableName: this.tableName,
      Item: {
        ...key('ORG', 'head'),
        generation: { S: generation },
        parts: { N: String(parts.length) },
        readAt: { N: String(cached.readAt) },
        savedBy: { S: runId },
        invocations: { N: '1' },
      },
    }));
  }

  async reusedOrganization(runId: string): Promise<void> {
    await this.client.send(new UpdateItemCommand({
      TableName: this.tableName,
      Key: key('ORG', 'head'),
      UpdateExpression: 'SET savedBy = :run ADD invocations :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':run': { S: runId }, ':one': { N: '1' } },
    }));
  }

  private async query(kind: string): Promise<Item[]> {
    const items: Item[] = [];
    const pages = paginateQuery({ client: this.client }, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: kind } },
      ConsistentRead: true,
    });
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  /** BatchWriteItem may leave items unprocessed under load: they are sent again with a backoff. */
  private async batchWrite(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`${pending.length} state item(s) could not be written`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 50 * 2 ** attempt)));
      const result = await this.client.send(new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = result.UnprocessedItems?.[this.tableName] ?? [];
    }
  }
}

/** Characters of organization JSON per item: at most 3 bytes each in UTF-8, so 300 KB of DynamoDB's 400 KB. */
const ORG_PART_CHARS = 100_000;

interface StoredOrganization {
  readonly rootId: string;
  readonly units: OrgUnit[];
  readonly accounts: OrgAccount[];
}

function partIndex(item: Item): number {
  return Number(item.sk.S!.slice('part#'.length));
}

function key(pk: string, sk: string): Item {
  return { pk: { S: pk }, sk: { S: sk } };
}

function diff(before: ReadonlySet<string>, after: ReadonlySet<string>, kind: string, attributes: (sk: string) => Item): WriteRequest[] {
  return [
    ...[...after].filter((k) => !before.has(k)).map((k): WriteRequest => ({ PutRequest: { Item: { ...key(kind, k), ...attributes(k) } } })),
    ...[...before].filter((k) => !after.has(k)).map((k): WriteRequest => ({ DeleteRequest: { Key: key(kind, k) } })),
  ];
}

function diffRecord(
  before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>, kind: string, attributes: (value: string) => Item,
): WriteRequest[] {
  return [
    ...Object.entries(after).filter(([k, v]) => before[k] !== v)
      .map(([k, v]): WriteRequest => ({ PutRequest: { Item: { ...key(kind, k), ...attributes(v) } } })),
    ...Object.keys(before).filter((k) => after[k] === undefined).map((k): WriteRequest => ({ DeleteRequest: { Key: key(kind, k) } })),
  ];
}

function parseLegacy(value: unknown): LegacyState {
  const state = value as LegacyState;
  if (!Array.isArray(state?.principals) || !Array.isArray(state?.permissionSets)) throw new Error('the legacy SSM state is not in the expected format');
  return { principals: state.principals, permissionSets: state.permissionSets, labels: state.labels ?? {} };
}
