import { hashString } from '../../core/seeded-random';
import { Caller, IamModel } from '../iam/iam-model';

// In the management account, Identity Center creates and updates the AWSReservedSSO_* roles and the
// AWSSSO_*_DO_NOT_DELETE SAML provider with the CALLER's permissions: its service-linked role,
// which does this in every other account, is barred from the management account by its policy
// (AWSSSOServiceRolePolicy: "StringNotEquals": { "aws:PrincipalOrgMasterAccountId": "${aws:PrincipalAccount}" }).
// A caller that lacks one of these permissions gets the assignment FAILED with IAM's 403 text
// (landing-zone-accelerator-on-aws#496 for iam:CreateSAMLProvider, fivexl/terraform-aws-sso-elevator#15
// for iam:UpdateSAMLProvider, avlcloudtechnologies/terraform-aws-sso#15 for the role actions).
// Which action is needed when is not documented; the simulator asks for every action the
// service-linked role's policy grants for the step, the less convenient answer.

/** The IAM work one asynchronous operation does in the management account. */
export type ManagementAccountStep = 'assign' | 'unassign-last' | 'provision';

/** What the account holds already: whether the SAML provider exists, whether the permission set's role does. */
export interface ManagementAccountFacts {
  readonly samlProviderExists: boolean;
  readonly roleExists: boolean;
}

const ROLE_READS = ['iam:GetRole', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'];
const ROLE_WRITES = ['iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:UpdateAssumeRolePolicy'];
const ROLE_DELETES = ['iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:DeleteRole'];

/** The actions, in the order Identity Center would need them, and the resource each applies to. */
export function requiredIamActions(
  step: ManagementAccountStep, facts: ManagementAccountFacts, roleArn: string, providerArn: string,
): Array<[string, string]> {
  const saml: Array<[string, string]> = [
    ['iam:GetSAMLProvider', providerArn],
    [facts.samlProviderExists ? 'iam:UpdateSAMLProvider' : 'iam:CreateSAMLProvider', providerArn],
  ];
  const role = (actions: string[]): Array<[string, string]> => actions.map((a) => [a, roleArn]);
  if (step === 'unassign-last') return role([...ROLE_READS, ...ROLE_DELETES]);
  return [...saml, ...role([...ROLE_READS, ...(facts.roleExists ? [] : ['iam:CreateRole']), ...ROLE_WRITES])];
}

/** The FailureReason of the first action the caller may not take, or undefined when it may take them all. */
export function managementAccountDenial(iam: IamModel, caller: Caller, actions: Array<[string, string]>, requestId: string): string | undefined {
  const denied = actions.find(([action, resource]) => !iam.isAllowed(caller, action, resource));
  if (!denied) return undefined;
  const [action, resource] = denied;
  // The text as fivexl/terraform-aws-sso-elevator#15 quotes it.
  return 'Received a 403 status error: Access denied by IAM. Please check your policy, or wait for role propagation to complete. '
    + `IAM Error: User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action `
    + `(Service: AmazonIdentityManagement; Status Code: 403; Error Code: AccessDenied; Request ID: ${requestId}; Proxy: null)`;
}

/**
 * `arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_<name>_<16 hex>`
 * (userguide/referencingpermissionsets.html); the hex part is derived from the permission set here.
 */
export function reservedRoleArn(accountId: string, permissionSetName: string, permissionSetArn: string): string {
  return `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${permissionSetName}_${hex16(permissionSetArn)}`;
}

/** `arn:aws:iam::<account>:saml-provider/AWSSSO_<16 hex>_DO_NOT_DELETE`, one per account and instance. */
export function samlProviderArn(accountId: string, instanceId: string): string {
  return `arn:aws:iam::${accountId}:saml-provider/AWSSSO_${hex16(`${accountId}/${instanceId}`)}_DO_NOT_DELETE`;
}

function hex16(text: string): string {
  return (hashString(text).toString(16).padStart(8, '0') + hashString(`${text}#`).toString(16).padStart(8, '0')).slice(0, 16);
}
