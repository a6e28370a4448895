import { createHash } from 'crypto';
import { Annotations, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { catalogPermissionSetResource } from './catalog-ownership';
import { PermissionSetCatalog } from '../permission-set-catalog';
import { LIFECYCLE } from '../reconciler/contract';

// The custom resources by which CloudFormation tells the reconciler that something it owns ends
// (what the reconciler does with them, and why in this shape: src/reconciler/core/lifecycle.ts):
// - a catalog generation, whose logical id follows the catalog's permission set names, so that a
//   catalog change creates a new one (a retirement check in the update pass) and deletes the old
//   one (a drain in the cleanup phase);
// - the automation's lifecycle resource, whose delete is an uninstall under the removal policy.
// Two resources whatever the catalog's size: CloudFormation allows 500 per stack.

/** CloudFormation waits this long for a drain's answer, its maximum (AWS::CloudFormation::CustomResource ServiceTimeout). */
const SERVICE_TIMEOUT = Duration.hours(1);

export interface LifecycleOptions {
  readonly fn: lambda.IFunction;
  readonly instanceArn: string;
  readonly catalog?: PermissionSetCatalog;
  readonly removalPolicy: RemovalPolicy;
  /** The organization's management account, in a delegated administrator deployment (never changed from there). */
  readonly managementAccountId?: string;
  /** What must still exist while a drain is carried out: the queue, its event source, the state table, the role. */
  readonly needs: IConstruct[];
}

/** Creates the lifecycle resources; the config document must depend on them. */
export function addLifecycleResources(scope: Construct, options: LifecycleOptions): CustomResource[] {
  const catalog = options.catalog;
  const sameStack = catalog !== undefined && Stack.of(catalog) === Stack.of(scope);
  if (catalog !== undefined && !sameStack) {
    Annotations.of(scope).addWarningV2('cdk-identity-center-permissions:catalogInAnotherStack',
      `catalog '${catalog.node.path}' is in another stack, so a permission set removed from it is deleted by that stack's deploy, `
      + 'which Identity Center refuses while the set is assigned; put the catalog in the stack of the automation to retire permission sets safely');
  }
  const entries = sameStack ? catalog.permissionSets : [];
  for (const ps of entries) {
    // Kept by CloudFormation on removal and replacement (the reconciler drains and deletes it), but
    // deleted by a rollback of its own creation (after the rolled-back generation's Delete has taken
    // away what the same deploy's config assigned to it).
    catalogPermissionSetResource(catalog!, ps.permissionSetName).applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
  }
  const permissionSets = entries.map((ps) => ({ Name: ps.permissionSetName, Arn: ps.permissionSetArn }));
  const generation = createHash('sha256').update(JSON.stringify(entries.map((ps) => ps.permissionSetName).sort())).digest('hex').slice(0, 12);

  const resource = (id: string, resourceType: string, properties: Record<string, unknown>) => {
    const created = new CustomResource(scope, id, {
      serviceToken: options.fn.functionArn,
      resourceType,
      serviceTimeout: SERVICE_TIMEOUT,
      properties: {
        [LIFECYCLE.properties.instanceArn]: options.instanceArn,
        ...(options.managementAccountId !== undefined ? { [LIFECYCLE.properties.managementAccountId]: options.managementAccountId } : {}),
        ...properties,
      },
    });
    created.node.addDependency(...options.needs);
    return created;
  };
  const lifecycle = resource('Lifecycle', LIFECYCLE.automationType, {
    [LIFECYCLE.properties.permissionSets]: permissionSets,
    [LIFECYCLE.properties.removalPolicy]: options.removalPolicy === RemovalPolicy.DESTROY ? 'destroy' : 'retain',
  });
  // Without a catalog of its own there is nothing to retire: no generation, so that removing the
  // catalog from the automation (or moving it away) never reads as retiring all of it.
  if (!sameStack) return [lifecycle];
  const catalogGeneration = resource(`CatalogGeneration${generation}`, LIFECYCLE.catalogType, {
    [LIFECYCLE.properties.generation]: generation,
    [LIFECYCLE.properties.permissionSets]: permissionSets,
  });
  // Deleted first on an uninstall, so that the generation's Delete knows it is no rollback.
  lifecycle.node.addDependency(catalogGeneration);
  return [catalogGeneration, lifecycle];
}
