import { Token } from 'aws-cdk-lib';

// Identifier formats from the API references, checked at synth time so a typo fails before deploy:
// - InstanceArn: https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html
// - IdentityStoreId: https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_GetGroupId.html
// - Account and OU ids: https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html,
//   https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html

export const INSTANCE_ARN = /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
export const IDENTITY_STORE_ID = /^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ACCOUNT_ID = /^\d{12}$/;
export const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
export const ROOT_ID = /^r-[0-9a-z]{4,32}$/;

function check(value: string, pattern: RegExp, what: string, example: string): void {
  if (Token.isUnresolved(value)) return;
  if (!pattern.test(value)) {
    throw new Error(`${what} '${value}' is malformed; expected the form ${example}`);
  }
}

export function validateInstanceArn(value: string): void {
  check(value, INSTANCE_ARN, 'instance arn', 'arn:aws:sso:::instance/ssoins-1234567890abcdef (see the Identity Center console, Settings)');
}

export function validateIdentityStoreId(value: string): void {
  check(value, IDENTITY_STORE_ID, 'identity store id', 'd-1234567890 (see the Identity Center console, Settings)');
}

export function validateAccountId(value: string, what = 'account id'): void {
  check(value, ACCOUNT_ID, what, 'of 12 digits, such as 111111111111');
}

// - Identity Store user and group ids (ResourceId):
//   https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_DescribeGroup.html
export const PRINCIPAL_ID = /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

export function validatePrincipalId(value: string, what: string): void {
  check(value, PRINCIPAL_ID, what, '9a672b3b-1234-4c5d-8e9f-0123456789ab or 1234567890-9a672b3b-1234-4c5d-8e9f-0123456789ab');
}

export function validateOrganizationalUnitId(value: string): void {
  check(value, OU_ID, 'organizational unit id', 'ou-ab12-cd34ef56 (see the Organizations console)');
}

export function validateRootId(value: string): void {
  check(value, ROOT_ID, 'organization root id', 'r-ab12 (see the Organizations console)');
}

/** The instance id (`ssoins-...`) of an instance ARN; a token for an unresolved ARN. */
export function instanceIdOf(instanceArn: string): string | undefined {
  if (Token.isUnresolved(instanceArn)) return undefined;
  return instanceArn.slice(instanceArn.indexOf('/') + 1);
}
