/**
 * A permission set that assignment rules can refer to.
 *
 * Permission sets from a `PermissionSetCatalog` carry their ARN; permission sets that exist
 * outside the catalog are referred to by name and resolved by the reconciler at run time.
 */
export interface IPermissionSetRef {
  /**
   * The name of the permission set, unique in the Identity Center instance.
   */
  readonly permissionSetName: string;

  /**
   * The ARN of the permission set, when it is known at synth time.
   *
   * @default - looked up by name at run time
   */
  readonly permissionSetArn?: string;
}

/**
 * References to permission sets that are not defined in a `PermissionSetCatalog`.
 */
export class PermissionSetRef {
  /**
   * Refers to a permission set that exists outside the catalog, by its name.
   *
   * The reconciler resolves the name to an ARN at run time; an unknown name stops all
   * deletions in that run and is reported.
   *
   * @param permissionSetName the permission set's name, for example `AWSAdministratorAccess`
   */
  public static fromName(permissionSetName: string): IPermissionSetRef {
    return { permissionSetName };
  }

  private constructor() {}
}
