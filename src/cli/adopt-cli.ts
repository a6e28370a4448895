// `cdk-identity-center-permissions adopt`: lets a catalog entry take over a permission set that
// already exists under its name (made by hand, or by another tool), instead of a failed deploy
// ("... already exists"). It writes the resource mapping that `cdk import --resource-mapping`
// takes: for each catalog permission set of the stack whose name exists in the instance and that
// no catalog owns yet, its primary identifier (InstanceArn, PermissionSetArn; the resource type's
// schema). It also gives each such set the catalog's tag, on which the reconciler's permissions
// rest: CloudFormation imports a resource as it is and records the template's properties without
// applying them ("Import AWS resources into a CloudFormation stack": the import does not change the
// resource), so the tag would otherwise only come with the next change of that permission set.
// Its assignments stay where they are.
import * as fs from 'fs';
import * as path from 'path';
import {
  DescribePermissionSetCommand, ListTagsForResourceCommand, SSOAdminClient, TagResourceCommand, paginateListPermissionSets,
} from '@aws-sdk/client-sso-admin';
import { parseFlags } from './flags';
import { CATALOG_TAG_KEY } from '../reconciler/contract';

export const ADOPT_USAGE = `usage: cdk-identity-center-permissions adopt --cdk-out DIR --stack NAME [options]

Writes the resource mapping with which 'cdk import' makes the stack's catalog take over permission
sets that already exist under their names, then prints the commands to run.

  --cdk-out DIR      the synthesized cloud assembly (run 'cdk synth' first)
  --stack NAME       the stack whose catalog adopts (its artifact id, as 'cdk import' takes it)
  --out FILE         where to write the mapping (default: <stack>.resource-mapping.json)
  --take-over        also adopt sets that already carry this catalog's tag but belong to no stack
                     any more (left by an uninstall with RemovalPolicy.RETAIN)
  --region REGION    AWS region of the Identity Center instance (default: from the environment)
  --profile NAME     AWS profile (default: from the environment)
`;

export interface AdoptArguments {
  readonly takeOver?: boolean;
  readonly cdkOut: string;
  readonly stack: string;
  readonly out: string;
  readonly region?: string;
  readonly profile?: string;
}

export function parseAdoptArguments(argv: string[]): AdoptArguments | { error: string } {
  const parsed = parseFlags(argv, { options: ['--cdk-out', '--stack', '--out', '--region', '--profile'], switches: ['--take-over'] });
  if ('error' in parsed) return parsed;
  const { values } = parsed;
  const takeOver = parsed.switches.has('take-over');
  if (!values['cdk-out']) return { error: '--cdk-out is required' };
  if (!values.stack) return { error: '--stack is required' };
  return { takeOver, cdkOut: values['cdk-out'], stack: values.stack, out: values.out ?? `${values.stack}.resource-mapping.json`, region: values.region, profile: values.profile };
}

/** A catalog permission set of the template: its logical id, name and instance. */
export interface TemplatePermissionSet {
  readonly logicalId: string;
  readonly name: string;
  readonly instanceArn: string;
  /** The value of the catalog's tag in the template. */
  readonly catalogTag?: string;
}

/** A permission set that exists in the instance. */
export interface LivePermissionSet {
  readonly name: string;
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface Adoption {
  /** `cdk import --resource-mapping`: logical id → primary identifier. */
  readonly mapping: Record<string, { InstanceArn: string; PermissionSetArn: string }>;
  /** Why some were not adopted. */
  readonly skipped: string[];
}

/**
 * Pure: which permission sets of the template take over which existing ones. A set tagged by
 * another catalog is never taken; one tagged by this very catalog is either this stack's already
 * (nothing to do; CloudFormation would refuse to import it twice) or left by an uninstall with
 * RETAIN, which only the operator can tell: adopted with `takeOver` only.
 */
export function planAdoption(inTemplate: readonly TemplatePermissionSet[], live: readonly LivePermissionSet[], takeOver = false): Adoption {
  const byName = new Map(live.map((ps) => [ps.name, ps]));
  const mapping: Adoption['mapping'] = {};
  const skipped: string[] = [];
  for (const ps of inTemplate) {
    const existing = byName.get(ps.name);
    if (!existing) continue; // created by the next deploy, as usual
    const owner = existing.tags[CATALOG_TAG_KEY];
    if (owner !== undefined && !(takeOver && owner === ps.catalogTag)) {
      skipped.push(owner === ps.catalogTag
        ? `${ps.name}: already this catalog's (pass --take-over if no stack has it any more, after an uninstall with RETAIN)`
        : `${ps.name}: already managed by catalog ${owner}`);
      continue;
    }
    mapping[ps.logicalId] = { InstanceArn: ps.instanceArn, PermissionSetArn: existing.arn };
  }
  return { mapping, skipped };
}

/** The catalog permission sets of a synthesized stack. */
export function templatePermissionSets(cdkOut: string, stack: string): TemplatePermissionSet[] {
  const file = path.join(cdkOut, `${stack}.template.json`);
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist; run 'cdk synth' first, and pass the stack's artifact id`);
  const template = JSON.parse(fs.readFileSync(file, 'utf8')) as { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::SSO::PermissionSet' && typeof r.Properties?.Name === 'string' && typeof r.Properties?.InstanceArn === 'string')
    .map(([logicalId, r]) => ({
      logicalId,
      name: r.Properties!.Name as string,
      instanceArn: r.Properties!.InstanceArn as string,
      catalogTag: ((r.Properties!.Tags ?? []) as Array<{ Key?: string; Value?: string }>).find((t) => t.Key === CATALOG_TAG_KEY)?.Value,
    }));
}

/** Every permission set of the instance with its name and tags. */
async function livePermissionSets(client: SSOAdminClient, instanceArn: string): Promise<LivePermissionSet[]> {
  const live: LivePermissionSet[] = [];
  for await (const page of paginateListPermissionSets({ client }, { InstanceArn: instanceArn })) {
    for (const arn of page.PermissionSets ?? []) {
      const described = await client.send(new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }));
      const tags: Record<string, string> = {};
      let nextToken: string | undefined;
      do {
        const page2 = await client.send(new ListTagsForResourceCommand({ InstanceArn: instanceArn, ResourceArn: arn, NextToken: nextToken }));
        for (const tag of page2.Tags ?? []) tags[tag.Key!] = tag.Value ?? '';
        nextToken = page2.NextToken;
      } while (nextToken);
      live.push({ name: described.PermissionSet!.Name!, arn, tags });
    }
  }
  return live;
}

/** Reads the template and the instance, writes the mapping, and says what to run. */
export async function runAdopt(args: AdoptArguments, out: (text: string) => void): Promise<number> {
  if (args.profile) process.env.AWS_PROFILE = args.profile;
  const inTemplate = templatePermissionSets(args.cdkOut, args.stack);
  const instances = [...new Set(inTemplate.map((ps) => ps.instanceArn))];
  if (instances.length === 0) {
    out(`${args.stack} has no permission sets with a literal instance ARN; nothing to adopt`);
    return 1;
  }
  const client = new SSOAdminClient({ region: args.region });
  try {
    const live = (await Promise.all(instances.map((arn) => livePermissionSets(client, arn)))).flat();
    const adoption = planAdoption(inTemplate, live, args.takeOver);
    for (const reason of adoption.skipped) out(`not adopted: ${reason}`);
    const adopted = Object.keys(adoption.mapping);
    if (adopted.length === 0) {
      out('no permission set of the catalog exists without a catalog yet; nothing to adopt');
      return 0;
    }
    for (const ps of inTemplate.filter((p) => adoption.mapping[p.logicalId] !== undefined && p.catalogTag !== undefined)) {
      const { InstanceArn, PermissionSetArn } = adoption.mapping[ps.logicalId];
      const tags = [{ Key: CATALOG_TAG_KEY, Value: ps.catalogTag }];
      await client.send(new TagResourceCommand({ InstanceArn, ResourceArn: PermissionSetArn, Tags: tags }));
    }
    fs.writeFileSync(args.out, `${JSON.stringify(adoption.mapping, null, 2)}\n`);
    out(`${adopted.length} permission set(s) to adopt (${adopted.join(', ')}), tagged as the catalog's; mapping written to ${args.out}. Now run:\n`
      + `  cdk import ${args.stack} --resource-mapping ${args.out} --force\n`
      + `  cdk deploy ${args.stack}\n`
      + '(--force: the template has other changes besides the imported sets, which cdk import leaves to the deploy.) '
      + 'Nothing else changes in Identity Center and every assignment stays; the deploy provisions the adopted sets again to every account '
      + 'they are provisioned to. CloudFormation applies the rest of the catalog\'s definition (policies, description, session duration) '
      + 'only when it next changes: make the definition match the set, or change it on purpose.');
    return 0;
  } finally {
    client.destroy();
  }
}
