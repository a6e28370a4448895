import * as fs from 'fs';
import * as path from 'path';
import { HeadDocument, PartDocument, assembleDocument } from '../reconciler/config/document';
import { parseHead, parsePart } from '../reconciler/config/schema';
import { ConfigRead } from '../reconciler/core/ports';

/** Marks a value that CloudFormation only knows at deploy time (a catalog permission set ARN). */
const UNRESOLVED = '__resolved_at_deploy_time__';

interface ParameterResource {
  readonly Type: string;
  readonly Properties?: { Name?: unknown; Value?: unknown };
}

/**
 * Reads the config document from a synthesized cloud assembly: the head parameter (the SSM
 * parameter whose name ends in `/config`, or the one named) and its parts. Catalog ARNs are
 * deploy-time values there, so they are dropped and looked up by name, like any other
 * permission set.
 */
export function readConfigFromCdkOut(dir: string, parameterName?: string): ConfigRead {
  const parameters = new Map<string, string>();
  for (const file of templates(dir)) {
    const template = JSON.parse(fs.readFileSync(file, 'utf8')) as { Resources?: Record<string, ParameterResource> };
    for (const resource of Object.values(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::SSM::Parameter' || typeof resource.Properties?.Name !== 'string') continue;
      const value = render(resource.Properties.Value);
      if (value !== undefined) parameters.set(resource.Properties.Name, value);
    }
  }
  const heads = [...parameters.entries()].filter(([name, value]) => (parameterName ? name === parameterName : /"parts":/.test(value) && /"rules":/.test(value)));
  if (heads.length !== 1) {
    const found = heads.map(([n]) => n).join(', ') || 'none';
    return { invalid: `expected one config parameter in ${dir}${parameterName ? ` named ${parameterName}` : ''}, found ${found}; pass --parameter` };
  }
  const [headName, headValue] = heads[0];
  const head = parseHead(dropUnresolvedArns(headValue));
  if ('error' in head) return { invalid: `${headName} in ${dir} is invalid: ${head.error}` };
  const parts: PartDocument[] = [];
  for (const name of head.value.parts) {
    const value = parameters.get(name);
    if (value === undefined) return { invalid: `${dir} has no config part ${name}` };
    const part = parsePart(value);
    if ('error' in part) return { invalid: `${name} in ${dir} is invalid: ${part.error}` };
    parts.push(part.value);
  }
  const assembled = assembleDocument(head.value as HeadDocument, parts);
  return 'inconsistent' in assembled ? assembled : { document: assembled.document, revision: head.value.revision };
}

function templates(dir: string): string[] {
  if (!fs.existsSync(dir)) throw new Error(`${dir} does not exist; run 'cdk synth' first`);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).map((f) => path.join(dir, f));
}

/** A parameter value as a string: plain, or an Fn::Join whose non-string pieces are unknown until deploy. */
function render(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })?.['Fn::Join'];
  if (!join) return undefined;
  return join[1].map((piece) => (typeof piece === 'string' ? piece : UNRESOLVED)).join(join[0]);
}

function dropUnresolvedArns(json: string): string {
  return json.replace(new RegExp(`,"arn":"${UNRESOLVED}"`, 'g'), '');
}
