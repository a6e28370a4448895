import {
  DeleteParametersCommand, GetParameterCommand, GetParametersCommand, PutParameterCommand, SSMClient, paginateGetParametersByPath,
} from '@aws-sdk/client-ssm';
import { RateLimiter } from '../core/rate-limiter';

/** Standard-tier values hold 4,096 bytes; chunks stay well under, counted in UTF-8 bytes. */
const CHUNK_BYTES = 3900;
/** GetParameters and DeleteParameters take at most 10 names. */
const BATCH = 10;

interface Pointer {
  readonly revision: string;
  readonly chunks: number;
}

/**
 * A JSON document of any size in standard-tier SSM parameters under one path: the state of earlier
 * versions (read once, to migrate it), and the claims an automation publishes for its neighbours.
 * Every write puts the document in new chunks named after a fresh revision (`<prefix>/r<rev>-<n>`),
 * then moves the pointer (`<prefix>/head`) to them, then deletes older chunks: a write that is
 * interrupted at any point leaves the previous document readable. A missing chunk or an unparsable
 * document is an error; it is never read as an empty one.
 */
export class SsmDocumentStore {
  /** `writes` paces PutParameter and DeleteParameters under Parameter Store's low write throughput. */
  constructor(private readonly client: SSMClient, private readonly prefix: string, private readonly writes?: RateLimiter) {}

  private get pointerName(): string {
    return `${this.prefix}/head`;
  }

  /** The document, or undefined when none was ever written. */
  async read(): Promise<unknown> {
    let pointer: Pointer;
    try {
      const result = await this.client.send(new GetParameterCommand({ Name: this.pointerName }));
      pointer = JSON.parse(result.Parameter?.Value ?? '') as Pointer;
    } catch (e) {
      if ((e as Error).name === 'ParameterNotFound') return undefined;
      throw e;
    }
    const names = Array.from({ length: pointer.chunks }, (_, i) => this.chunkName(pointer.revision, i));
    const values = new Map<string, string>();
    for (let i = 0; i < names.length; i += BATCH) {
      const result = await this.client.send(new GetParametersCommand({ Names: names.slice(i, i + BATCH) }));
      if (result.InvalidParameters?.length) throw new Error(`chunk(s) ${result.InvalidParameters.join(', ')} are missing`);
      for (const p of result.Parameters ?? []) values.set(p.Name!, p.Value ?? '');
    }
    return JSON.parse(names.map((n) => values.get(n) ?? '').join('')) as unknown;
  }

  async write(document: unknown): Promise<void> {
    const text = JSON.stringify(document);
    const chunks = chunkByBytes(text, CHUNK_BYTES);
    const revision = Date.now().toString(36);
    for (let i = 0; i < chunks.length; i++) await this.put(this.chunkName(revision, i), chunks[i]);
    await this.put(this.pointerName, JSON.stringify({ revision, chunks: chunks.length } satisfies Pointer));
    // The document is saved; removing the previous revision's chunks may fail without consequence.
    await this.deleteOtherRevisions(revision).catch(() => undefined);
  }

  private chunkName(revision: string, index: number): string {
    return `${this.prefix}/r${revision}-${index}`;
  }

  private async put(name: string, value: string): Promise<void> {
    await this.writes?.take();
    await this.client.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Tier: 'Standard', Overwrite: true }));
  }

  /** Best effort: a chunk left behind is only clutter, never read. */
  private async deleteOtherRevisions(revision: string): Promise<void> {
    const stale: string[] = [];
    for await (const page of paginateGetParametersByPath({ client: this.client }, { Path: this.prefix, Recursive: false })) {
      for (const p of page.Parameters ?? []) {
        if (p.Name !== this.pointerName && !p.Name!.startsWith(`${this.prefix}/r${revision}-`)) stale.push(p.Name!);
      }
    }
    for (let i = 0; i < stale.length; i += BATCH) {
      await this.writes?.take();
      await this.client.send(new DeleteParametersCommand({ Names: stale.slice(i, i + BATCH) }));
    }
  }
}

/** Splits text into pieces of at most `maxBytes` UTF-8 bytes, never inside a character. */
export function chunkByBytes(text: string, maxBytes: number): string[] {
  const chunks: string[] = [];
  let current = '';
  let bytes = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character, 'utf8');
    if (bytes + size > maxBytes) {
      chunks.push(current);
      current = '';
      bytes = 0;
    }
    current += character;
    bytes += size;
  }
  chunks.push(current);
  return chunks;
}
