// Every identifier format the library checks, defined once: the construct's synth-time checks
// (src/private/identifiers.ts), the config schema (schema.ts) and the reconciler's OU index all use
// this table. No dependencies, so both the jsii-compiled construct and the Lambda bundle import it.
// Sources, from the API references:
// - InstanceArn, PermissionSetArn: https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html,
//   API_PermissionSet.html
// - permission set Name: API_CreatePermissionSet.html (1-32 of [\w+=,.@-])
// - IdentityStoreId: https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_GetGroupId.html
// - group and user ids (ResourceId): IdentityStoreAPIReference/API_DescribeGroup.html
// - account, OU and root ids: https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html,
//   API_OrganizationalUnit.html, API_Root.html

export const IDENTIFIERS = {
  instanceArn: /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/,
  permissionSetArn: /^arn:aws[a-z-]*:sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-./]{16}$/,
  permissionSetName: /^[\w+=,.@-]{1,32}$/,
  identityStoreId: /^d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  principalId: /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/,
  accountId: /^\d{12}$/,
  organizationalUnitId: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
  rootId: /^r-[0-9a-z]{4,32}$/,
} as const;

export type IdentifierKind = keyof typeof IDENTIFIERS;

/** Whether `value` is an identifier of this kind. */
export function isIdentifier(kind: IdentifierKind, value: string): boolean {
  return IDENTIFIERS[kind].test(value);
}
