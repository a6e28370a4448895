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
