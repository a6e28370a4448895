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
}

/**
 * What `cdk import --resource-mapping` submits (aws/aws-cdk-cli packages/@aws-cdk/toolkit-lib/lib/api/resource-import/importer.ts;
 * https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-import.html): the template currently deployed plus ONLY the mapped
 * resources (`currentTemplateWithAdditions`), each given DeletionPolicy Retain when it has none
 * (`addDefaultDeletionPolicy`: "The default value is set to 'Retain'"), because "Each resource to import must have a
 * DeletionPolicy attribute" (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resource-import.html). Other
 * differences of the synthesized template are left out, as with `--force` ("No resource updates or deletes are allowed on
 * import operation"), and reported as warnings. A mapped resource must be new to the stack, of a type that can be
 * imported, and identified by exactly its type's primary identifier (the "Identifiers for the resources to import");
 * a template value of an identifier property must match it. The refusals' texts are the simulator's.
 */
export function planImport(
  deployed: Template | undefined,
  synthesized: Template,
  mapping: Readonly<Record<string, Readonly<Record<string, string>>>>,
  providers: ProviderRegistry,
): ImportPlan {
  const current = deployed?.Resources ?? {};
  const warnings: string[] = [];
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
  for (const [logicalId, resource] of Object.entries(synthesized.Resources)) {
    if (logicalId in additions) continue;
    if (!current[logicalId]) warnings.push(`${logicalId}: new in the template but not in the mapping, not imported`);
    else if (!sameValue(current[logicalId], resource)) warnings.push(`${logicalId}: changed in the template; an import only adds resources, the change is not applied`);
  }
  // A new stack takes the synthesized template's other sections, so the imported resources' references resolve.
  const base: Template = deployed ?? { ...synthesized, Resources: {}, Outputs: undefined };
  return { template: { ...base, Resources: { ...current, ...additions } }, imports, warnings };
}
