import { App, Stack } from 'aws-cdk-lib';
import type { AwsSimulator, OrganizationFixture, PolicyStatement } from '../../simulator';
import { resolve } from '../../simulator/cloudformation/intrinsics';
import { AccountTarget, AssignmentAutomation, PermissionSetRef, Principal } from '../../src';

interface PolicyResource {
  readonly Type: string;
  readonly Properties: {
    readonly Roles?: Array<{ Ref: string }>;
    readonly PolicyDocument: { Statement: Array<{ Effect: 'Allow' | 'Deny'; Action: string | string[]; Resource: unknown; Condition?: unknown }> };
  };
}

/**
 * The reconciler role's policy as AssignmentAutomation synthesizes it for the simulator's
 * organization (in its management account, or its delegated administrator account), with every
 * intrinsic resolved, so a test can run the handler with exactly the permissions a deployment
 * would give it. Rules name permission sets by name, so writes are allowed on the instance's
 * permission sets (`permissionSet/<instance>/*`), as for any automation without a catalog.
 */
export function synthesizedReconcilerPolicy(sim: AwsSimulator, fixture: OrganizationFixture): PolicyStatement[] {
  const management = sim.organizations.managementAccountId;
  const delegated = sim.delegatedAdministratorAccountId;
  const app = new App();
  const stack = new Stack(app, 'Home', { env: { account: delegated ?? management, region: sim.region } });
  new AssignmentAutomation(stack, 'Assignments', {
    instanceArn: fixture.instanceArn,
    identityStoreId: fixture.identityStoreId,
    organizationManagementAccountId: delegated ? management : undefined,
    assignments: [{ principal: Principal.group('Any'), permissionSet: PermissionSetRef.fromName('Any'), target: AccountTarget.allAccounts() }],
  });
  const template = app.synth().getStackByName('Home').template as { Resources: Record<string, PolicyResource> };
  const policies = Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles ?? []).some((role) => role.Ref.startsWith('AssignmentsServiceRole')));
  const context = {
    partition: 'aws',
    region: sim.region,
    accountId: delegated ?? management,
    ref: (id: string) => `arn:aws:placeholder:::${id}`,
    getAtt: (id: string, attribute: string) => `arn:aws:placeholder:::${id}/${attribute}`,
  };
  const list = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).map(String);
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement.map((s): PolicyStatement => ({
    effect: s.Effect,
    actions: list(s.Action),
    resources: list(resolve(s.Resource, context)),
    ...(s.Condition === undefined ? {} : { conditions: resolve(s.Condition, context) as PolicyStatement['conditions'] }),
  })));
}
