import { ValidationError } from './errors';
import type { ResourceToImport } from './import';
import { ProviderRegistry } from './providers/registry';
import { sameValue } from './same-value';
import type { Template, TemplateResource } from './template';

export interface ImportPlan {
  /** The template the IMPORT change set carries. */
  readonly template: Template;
  readonly imports: ResourceToImport[];
  readonly warnings: string[];
  /** What the CLI prints once the import completed: the changes it left for the next deploy. */
  readonly advice: string[];
}

/**
 * What `cdk import --resource-mapping` submits (aws/aws-cdk-cli packages/@aws-cdk/toolkit-lib/lib/api/resource-import/importer.ts;
 * https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-import.html): the template currently deployed plus ONLY the mapped
 * resources (`currentTemplateWithAdditions`), each given DeletionPolicy Retain when it has none
 * (`addDefaultDeletionPolicy`: "The default value is set to 'Retain'"), because "Each resource to import must have a
 * DeletionPolicy attribute" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import.html).
 *
 * Before anything else the CLI diffs the deployed template against the synthesized one (`discoverImportableResources`):
 * a resource that is removed, or present in both and different in any way (Type, Properties, DependsOn, Metadata,
 * DeletionPolicy, ...: cloudformation-diff's ResourceDifference.isDifferent), is a non-addition; `CDKMetadata` is
 * ignored. Without `force` any non-addition refuses the import with the CLI's ToolkitError (ImportNonAdditionChanges),
 * thrown here as a ValidationError like the model's other refusals before an operation starts; its resources are named
 * by their `aws:cdk:path` metadata, else their logical id. With `force` (`--force`) the CLI warns "Ignoring
 * updated/deleted resources (--force): ..." and imports the additions only: the other changes are left for the next
 * deploy. Two simplifications, both on the stricter side: values are compared structurally (the CLI's deepEqual also
 * takes "10" for 10 and ignores the order of DependsOn), and a mapping entry the CLI would skip with a warning
 * ("Unrecognized resource identifiers in mapping file") is refused.
 *
 * A mapped resource must be new to the stack, of a type that can be imported, and identified by exactly its type's
 * primary identifier (the "Identifiers for the resources to import"); a template value of an identifier property must
 * match it. The refusals' texts are the simulator's, but for the CLI's.
 */
export function planImport(
  deployed: Template | undefined,
  synthesized: Template,
  mapping: Readonly<Record<string, Readonly<Record<string, string>>>>,
  providers: ProviderRegistry,
  force = false,
): ImportPlan {
  const current = deployed?.Resources ?? {};
  const warnings: string[] = [];
  const nonAdditions = Object.keys(current)
    .filter((id) => id !== CDK_METADATA && (!synthesized.Resources[id] || !sameValue(current[id], synthesized.Resources[id])));
  if (nonAdditions.length > 0) {
    const offending = nonAdditions.map((id) => cdkPath(synthesized.Resources[id]) ?? id).join(', ');
    if (!force) {
      throw new ValidationError('No resource updates or deletes are allowed on import operation. Make sure to resolve pending changes '
        + `to existing resources, before attempting an import. Updated/deleted resources: ${offending} (--force to override)`);
    }
    warnings.push(`Ignoring updated/deleted resources (--force): ${offending}`);
  }
  const additions: Record<string, TemplateResource> = {};
  const imports: ResourceToImport[] = [];
  for (const [logicalId, identifier] of Object.entries(mapping)) {
    const resource = synthesized.Resources[logicalId];
    if (!resource) throw new ValidationError(`Resource ${logicalId} is not in the template`);
    if (current[logicalId]) throw new ValidationError(`Resource ${logicalId} already exists in the stack; only new resources can be imported`);
    const keys = providers.providerOf(resource.Type).primaryIdentifier;
    if (!keys) throw new ValidationError(`ResourceTypes [${resource.Type}] are not supported for Import`);
    if (!sameValue([...Object.keys(identifier)].sort(), [...keys].sort())) {
      throw new ValidationError(`The identifier of ${logicalId} must have exactly the properties [${keys.join(', ')}] of ${resource.Type}'s primary identifier`);
    }
    for (const key of keys) {
      const declared = resource.Properties?.[key];
      if (typeof declared === 'string' && declared !== identifier[key]) {
        throw new ValidationError(`${logicalId}: the template's ${key} ${declared} does not match the identifier ${identifier[key]}`);
      }
    }
    if (resource.DeletionPolicy === undefined) warnings.push(`${logicalId}: no DeletionPolicy, imported with DeletionPolicy Retain (as cdk import does)`);
    additions[logicalId] = { ...resource, DeletionPolicy: resource.DeletionPolicy ?? 'Retain' };
    imports.push({ logicalId, identifier });
  }
  const skipped = Object.keys(synthesized.Resources).filter((id) => id !== CDK_METADATA && !current[id] && !(id in additions));
  for (const logicalId of skipped) warnings.push(`${logicalId}: new in the template but not in the mapping, not imported`);
  // The CLI's closing advice after a successful import (aws/aws-cdk-cli packages/aws-cdk/lib/cli/cdk-toolkit.ts, import).
  const advice = skipped.length > 0
    ? ['Some resources were skipped. Run another cdk import or a cdk deploy to bring the stack up-to-date with your CDK app definition.']
    : nonAdditions.length > 0
      ? ['Your app has pending updates or deletes excluded from this import operation. Run a cdk deploy to bring the stack up-to-date with your CDK app definition.']
      : [];
  // A new stack takes the synthesized template's other sections, so the imported resources' references resolve.
  const base: Template = deployed ?? { ...synthesized, Resources: {}, Outputs: undefined };
  return { template: { ...base, Resources: { ...current, ...additions } }, imports, warnings, advice };
}

/** The CDK's metadata resource, which the CLI leaves out of the import diff ("Ignore changes to CDKMetadata"). */
const CDK_METADATA = 'CDKMetadata';

/** How the CLI names a resource (describeResource): its construct path, when the synthesized template has it. */
function cdkPath(resource: TemplateResource | undefined): string | undefined {
  const path = (resource?.Metadata as Record<string, unknown> | undefined)?.['aws:cdk:path'];
  return typeof path === 'string' ? path : undefined;
}
