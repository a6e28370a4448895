import { createHash } from 'crypto';

// The two roles of a delegated administrator's per-principal reads, named so that each side can
// name the other from what it already knows (the automation's bus name and region, and the two
// accounts), without a reference across accounts: the reconciler's role in the delegated
// administrator account, and the assignment reader role that OrgEventBridge creates in the
// management account. Role names allow [\w+=,.@-], 64 characters (IAM API Reference, CreateRole).

/** The reconciler role's name when it assumes an assignment reader. */
export function reconcilerRoleName(busName: string, region: string): string {
  return `${readable(busName, 36)}-reconciler-${hash(busName, region)}`;
}

/** The assignment reader role's name in the management account. */
export function assignmentReaderRoleName(busName: string, region: string): string {
  return `${readable(busName, 40)}-reader-${hash(busName, region)}`;
}

export function roleArn(partition: string, accountId: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}

function readable(busName: string, length: number): string {
  return busName.replace(/[^\w+=,.@-]/g, '-').slice(0, length);
}

/** The region too: IAM is global, and two automations of one name in two regions must not share a role. */
function hash(busName: string, region: string): string {
  return createHash('sha256').update(`${region}/${busName}`).digest('hex').slice(0, 8);
}
