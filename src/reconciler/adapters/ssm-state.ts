import { DeleteParametersCommand, PutParameterCommand, SSMClient, paginateGetParametersByPath } from '@aws-sdk/client-ssm';
import { ReconcilerState, StatePort } from '../core/ports';

/** Standard-tier parameters hold 4 KB; the header line takes the rest. */
const CHUNK_CHARS = 4000;

/**
 * The reconciler's memory of what it manages, in standard-tier SSM parameters under one path
 * (`<prefix>/0`, `<prefix>/1`, ...). Each chunk starts with `index/count/revision`, so a reader
 * can tell a complete set from a torn one; a torn or unparsable state is an error, which stops
 * deletions for that run, never an empty memory.
 */
export class SsmStateAdapter implements StatePort {
  constructor(private readonly client: SSMClient, private readonly prefix: string) {}

  async read(): Promise<ReconcilerState | undefined> {
    const chunks = new Map<number, { count: number; revision: string; data: string }>();
    for await (const page of paginateGetParametersByPath({ client: this.client }, { Path: this.prefix, Recursive: false })) {
      for (const p of page.Parameters ?? []) {
        const match = /^(\d+)\/(\d+)\/([^\n]+)\n([\s\S]*)$/.exec(p.Value ?? '');
        if (!match) throw new Error(`state parameter ${p.Name} is not in the expected format`);
        chunks.set(Number(match[1]), { count: Number(match[2]), revision: match[3], data: match[4] });
      }
    }
    if (chunks.size === 0) return undefined;
    const first = chunks.get(0);
    if (!first) throw new Error('state chunk 0 is missing');
    const parts: string[] = [];
    for (let i = 0; i < first.count; i++) {
      const chunk = chunks.get(i);
      if (!chunk || chunk.revision !== first.revision) throw new Error(`state chunk ${i} is missing or from another revision`);
      parts.push(chunk.data);
    }
    const state = JSON.parse(parts.join('')) as ReconcilerState;
    if (!Array.isArray(state.principals) || !Array.isArray(state.permissionSets)) throw new Error('state is not in the expected format');
    return state;
  }

  async write(state: ReconcilerState): Promise<void> {
    const text = JSON.stringify({ principals: state.principals, permissionSets: state.permissionSets, labels: state.labels ?? {} });
    const count = Math.max(1, Math.ceil(text.length / CHUNK_CHARS));
    const revision = Date.now().toString(36);
    // Chunk 0 is written last: until then readers see the previous revision's head, or a torn set.
    for (let i = count - 1; i >= 0; i--) {
      await this.client.send(new PutParameterCommand({
        Name: `${this.prefix}/${i}`,
        Value: `${i}/${count}/${revision}\n${text.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS)}`,
        Type: 'String',
        Tier: 'Standard',
        Overwrite: true,
      }));
    }
    const stale = [];
    for await (const page of paginateGetParametersByPath({ client: this.client }, { Path: this.prefix, Recursive: false })) {
      for (const p of page.Parameters ?? []) if (Number(p.Name!.slice(this.prefix.length + 1)) >= count) stale.push(p.Name!);
    }
    for (let i = 0; i < stale.length; i += 10) {
      await this.client.send(new DeleteParametersCommand({ Names: stale.slice(i, i + 10) }));
    }
  }
}
