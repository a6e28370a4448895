import { Expiration } from 'aws-cdk-lib';
import { AccountTarget } from './account-target';
import { IPermissionSetRef } from './permission-set-ref';
import { Principal } from './principal';

/**
 * One assignment rule: this principal gets this permission set in every account of this target,
 * including accounts that join the target later.
 *
 * @example
 * declare const catalog: PermissionSetCatalog;
 * const rule: AssignmentRule = {
 *   principal: Principal.group('AWS-Platform-Admins'),
 *   permissionSet: catalog.permissionSet('PlatformAdmin'),
 *   target: AccountTarget.organizationalUnit('Root/Platform'),
 * };
 */
export interface AssignmentRule {
  /**
   * Who gets access.
   */
  readonly principal: Principal;

  /**
   * With which permission set: one of the automation's catalog, or `PermissionSetRef.fromName`
   * for a permission set that exists outside the catalog.
   */
  readonly permissionSet: IPermissionSetRef;

  /**
   * In which accounts.
   */
  readonly target: AccountTarget;

  /**
   * When the rule stops granting access, for time-bound access (break-glass, a contractor, an audit).
   *
   * From that instant the rule grants nothing: its assignments are removed within 15 minutes,
   * without a deploy (a one-time schedule starts a run in the minute after it), and the run
   * reports them as expired. An assignment that another rule also grants stays. The removals go
   * through the same guard as any other (`maxDeletionsPerRun` included), so set the limit above
   * the number of accounts an expiring rule covers. An instant already past at synth is a warning.
   * Precision is one second (`Expiration.toEpoch()`).
   *
   * @default - the rule never expires
   */
  readonly expires?: Expiration;
}
