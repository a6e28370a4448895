import { Token } from 'aws-cdk-lib';
import { IdentifierKind, isIdentifier } from '../reconciler/config/identifiers';

// Synth-time checks of identifiers, so a typo fails before deploy. The formats themselves are
// defined once, with their sources, in src/reconciler/config/identifiers.ts.

const EXAMPLES: Record<IdentifierKind, string> = {
  instanceArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef (see the Identity Center console, Settings)',
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef',
  permissionSetName: '1 to 32 characters of [\\w+=,.@-]',
  identityStoreId: 'd-1234567890 (see the Identity Center console, Settings)',
  principalId: '9a672b3b-1234-4c5d-8e9f-0123456789ab or 1234567890-9a672b3b-1234-4c5d-8e9f-0123456789ab',
  accountId: 'of 12 digits, such as 111111111111',
  organizationalUnitId: 'ou-ab12-cd34ef56 (see the Organizations console)',
  rootId: 'r-ab12 (see the Organizations console)',
};

/** Why `value` is not an identifier of this kind, or undefined when it is (or is a token). */
export function identifierProblem(kind: IdentifierKind, value: string, what: string): string | undefined {
  if (Token.isUnresolved(value) || isIdentifier(kind, value)) return undefined;
  return `${what} '${value}' is malformed; expected the form ${EXAMPLES[kind]}`;
}

/** The instance id (`ssoins-...`) of an instance ARN; a token for an unresolved ARN. */
export function instanceIdOf(instanceArn: string): string | undefined {
  if (Token.isUnresolved(instanceArn)) return undefined;
  return instanceArn.slice(instanceArn.indexOf('/') + 1);
}
