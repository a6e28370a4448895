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
}
