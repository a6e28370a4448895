import { Names } from 'aws-cdk-lib';
import * as sso from 'aws-cdk-lib/aws-sso';
import { IConstruct } from 'constructs';

/**
 * The value of the catalog's tag (CATALOG_TAG_KEY) on each of its permission sets: the catalog's
 * unique id in the app, stable across deploys, within the 256 characters a tag value may have.
 * The reconciler's write permissions on catalog permission sets are granted on this tag.
 */
export function catalogTagValue(catalog: IConstruct): string {
  return Names.uniqueId(catalog).slice(0, 256);
}

/** The CloudFormation resource of a catalog permission set (its construct id is its name). */
export function catalogPermissionSetResource(catalog: IConstruct, name: string): sso.CfnPermissionSet {
  return catalog.node.findChild(name) as sso.CfnPermissionSet;
}
