import { createHash } from 'crypto';
import { Names, Stack, Token } from 'aws-cdk-lib';
import * as sso from 'aws-cdk-lib/aws-sso';
import { IConstruct } from 'constructs';

/**
 * The value of the catalog's tag (CATALOG_TAG_KEY) on each of its permission sets, on which the
 * reconciler's write permissions on them are granted: the catalog's id in its app, readable, and a
 * hash of its stack's name, account and region, so that two apps with the same construct paths
 * (a copied app, dev and prod on one instance) never share it. Stable across deploys.
 */
export function catalogTagValue(catalog: IConstruct): string {
  const stack = Stack.of(catalog);
  const where = [stack.stackName, stack.account, stack.region].map((part) => (Token.isUnresolved(part) ? '' : part)).join('/');
  return `${Names.uniqueId(catalog).slice(0, 200)}-${createHash('sha256').update(where).digest('hex').slice(0, 12)}`;
}

const automationsOfCatalog = new WeakMap<IConstruct, string>();

/**
 * A catalog belongs to one automation: its removal policy, its retirements and its uninstall would
 * otherwise be carried out twice, and one automation's DESTROY would delete what the other uses.
 */
export function claimCatalog(catalog: IConstruct, automation: IConstruct): string | undefined {
  const other = automationsOfCatalog.get(catalog);
  if (other !== undefined && other !== automation.node.path) {
    return `catalog '${catalog.node.path}' is already the catalog of automation '${other}'; give each AssignmentAutomation its own catalog `
      + '(an automation may assign permission sets of another catalog with PermissionSetRef.fromName)';
  }
  automationsOfCatalog.set(catalog, automation.node.path);
  return undefined;
}

/** The CloudFormation resource of a catalog permission set (its construct id is its name). */
export function catalogPermissionSetResource(catalog: IConstruct, name: string): sso.CfnPermissionSet {
  return catalog.node.findChild(name) as sso.CfnPermissionSet;
}
