import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** One cdk-nag suppression: the rule, why it does not apply, and optionally the exact findings. */
export interface NagSuppression {
  readonly id: string;
  readonly reason: string;
  /** Finding ids (`Resource::arn:...`) or `{ regex }` objects; every finding of the rule when absent. */
  readonly appliesTo?: Array<string | { regex: string }>;
}

/**
 * Records cdk-nag suppressions on the CloudFormation resources of a construct, in the metadata
 * format `NagSuppressions.addResourceSuppressions` writes (`cdk_nag.rules_to_suppress`), so the
 * library's own resources come out clean without making cdk-nag a dependency of its users.
 */
export function addNagSuppressions(scope: IConstruct, suppressions: NagSuppression[], applyToChildren = true): void {
  for (const s of suppressions) {
    if (s.reason.length < 10) throw new Error(`the cdk-nag suppression of ${s.id} needs a reason of at least 10 characters`);
  }
  const constructs = applyToChildren ? scope.node.findAll() : [scope];
  for (const child of constructs) {
    const resource = child.node.defaultChild ?? child;
    if (!(resource instanceof CfnResource)) continue;
    const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: unknown[] } | undefined)?.rules_to_suppress ?? [];
    const added = suppressions.map(({ id, reason, appliesTo }) => (appliesTo ? { reason, id, applies_to: appliesTo } : { reason, id }));
    const unique = [...new Set([...existing, ...added].map((r) => JSON.stringify(r)))].map((r) => JSON.parse(r));
    resource.addMetadata('cdk_nag', { rules_to_suppress: unique });
  }
}
