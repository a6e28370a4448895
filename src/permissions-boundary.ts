import * as iam from 'aws-cdk-lib/aws-iam';
import * as sso from 'aws-cdk-lib/aws-sso';

/**
 * A permissions boundary for the IAM roles that Identity Center creates from a permission set.
 */
export class PermissionsBoundary {
  /**
   * Uses an AWS managed policy as the permissions boundary.
   *
   * @param policy the AWS managed policy, for example `iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess')`
   */
  public static fromAwsManagedPolicy(policy: iam.IManagedPolicy): PermissionsBoundary {
    return new PermissionsBoundary({ managedPolicyArn: policy.managedPolicyArn });
  }

  /**
   * Uses a customer managed policy as the permissions boundary.
   *
   * The policy must exist with this name and path in every account the permission set is
   * provisioned to.
   *
   * @param name the policy name
   * @param path the policy path, '/' when omitted
   */
  public static fromCustomerManagedPolicy(name: string, path?: string): PermissionsBoundary {
    return new PermissionsBoundary({ customerManagedPolicyReference: { name, path: path ?? '/' } });
  }

  private constructor(private readonly boundary: sso.CfnPermissionSet.PermissionsBoundaryProperty) {}

  /**
   * The CloudFormation form of this boundary.
   *
   * @internal
   */
  public _toProperty(): sso.CfnPermissionSet.PermissionsBoundaryProperty {
    return this.boundary;
  }
}
