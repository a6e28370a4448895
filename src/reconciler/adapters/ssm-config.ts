import { GetParameterCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { PartDocument, assembleDocument } from '../config/document';
import { parseHead, parsePart } from '../config/schema';
import { ConfigPort, ConfigRead } from '../core/ports';

/** GetParameters takes at most 10 names. */
const BATCH = 10;

/** Reads the config document from its head parameter and the part parameters the head lists. */
export class SsmConfigAdapter implements ConfigPort {
  constructor(private readonly client: SSMClient, private readonly headParameterName: string) {}

  async read(): Promise<ConfigRead> {
    let headValue: string;
    try {
      const result = await this.client.send(new GetParameterCommand({ Name: this.headParameterName }));
      headValue = result.Parameter?.Value ?? '';
    } catch (e) {
      if ((e as Error).name === 'ParameterNotFound') return { missing: `the config parameter ${this.headParameterName} does not exist` };
      throw e;
    }
    const head = parseHead(headValue);
    if ('error' in head) return { invalid: `the config parameter ${this.headParameterName} is invalid: ${head.error}` };

    const parts: PartDocument[] = [];
    for (let i = 0; i < head.value.parts.length; i += BATCH) {
      const names = head.value.parts.slice(i, i + BATCH);
      const result = await this.client.send(new GetParametersCommand({ Names: names }));
      if (result.InvalidParameters?.length) {
        return { inconsistent: `config part(s) ${result.InvalidParameters.join(', ')} do not exist (a deployment is probably in progress)` };
      }
      const byName = new Map((result.Parameters ?? []).map((p) => [p.Name, p.Value ?? '']));
      for (const name of names) {
        const part = parsePart(byName.get(name) ?? '');
        if ('error' in part) return { invalid: `the config part ${name} is invalid: ${part.error}` };
        parts.push(part.value);
      }
    }
    const assembled = assembleDocument(head.value, parts);
    if ('inconsistent' in assembled) return assembled;
    return { document: assembled.document, revision: head.value.revision };
  }
}
