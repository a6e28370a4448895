import { Token } from 'aws-cdk-lib';
import { identifierProblem } from './private/identifiers';
import { throwIf } from './private/validation';
import { describePrincipal } from './reconciler/config/describe';
import { PrincipalDocument } from './reconciler/config/document';

// Identity Store limits: https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_Group.html
// (DisplayName 1-1024) and API_User.html (UserName 1-128).
const GROUP_NAME_MAX_LENGTH = 1024;
const USER_NAME_MAX_LENGTH = 128;

/**
 * A user or group of the Identity Center identity store that assignment rules give access to.
 *
 * Names are resolved to ids by the reconciler at run time, so a group that is created or
 * provisioned (SCIM) after the deployment is picked up as soon as it exists.
 *
 * @example
 * Principal.group('AWS-Platform-Admins');
 * Principal.user('jane@example.com');
 */
export class Principal {
  /**
   * A group by its display name.
   *
   * When the automation sets `groupNameSuffix` (the seed's AdDomain), the suffix is appended
   * before the lookup: `Principal.group('Admins')` with `@corp.example.com` looks up
   * `Admins@corp.example.com`.
   *
   * @param displayName the group's display name in the identity store, 1 to 1024 characters
   */
  public static group(displayName: string): Principal {
    checkName(displayName, 'group display name', GROUP_NAME_MAX_LENGTH);
    return new Principal({ group: displayName });
  }

  /**
   * A user by user name.
   *
   * @param userName the user's user name in the identity store (often an email address), 1 to 128 characters
   */
  public static user(userName: string): Principal {
    checkName(userName, 'user name', USER_NAME_MAX_LENGTH);
    return new Principal({ user: userName });
  }

  /**
   * A group by its identity store id, for groups whose display name is not unique or may change.
   *
   * @param groupId the group id, for example `9a672b3b-1234-4c5d-8e9f-0123456789ab`
   */
  public static groupId(groupId: string): Principal {
    throwIf(identifierProblem('principalId', groupId, 'group id'));
    return new Principal({ groupId });
  }

  /**
   * A user by its identity store id.
   *
   * @param userId the user id, for example `9a672b3b-1234-4c5d-8e9f-0123456789ab`
   */
  public static userId(userId: string): Principal {
    throwIf(identifierProblem('principalId', userId, 'user id'));
    return new Principal({ userId });
  }

  private constructor(private readonly document: PrincipalDocument) {}

  /**
   * A human-readable description, such as `group AWS-Platform-Admins`.
   */
  public toString(): string {
    return describePrincipal(this.document);
  }

  /**
   * The form of this principal in the config document.
   *
   * @internal
   */
  public _toDocument(): PrincipalDocument {
    return this.document;
  }
}

function checkName(value: string, what: string, maxLength: number): void {
  if (Token.isUnresolved(value)) return;
  if (value.length === 0 || value.length > maxLength || value.trim() !== value) {
    throw new Error(`${what} '${value}' is ${value.length} characters${value.trim() !== value ? ' with leading or trailing spaces' : ''}; `
      + `the identity store accepts 1 to ${maxLength} characters without surrounding spaces, use the name exactly as the identity store shows it`);
  }
}
