import type { ResourceProvider } from './provider';

/** The provider of each resource type: the modelled ones, custom resources, and the generic rest. */
export class ProviderRegistry {
  constructor(
    private readonly byType: ReadonlyMap<string, ResourceProvider>,
    private readonly customResources: ResourceProvider,
    private readonly generic: ResourceProvider,
  ) {}

  /**
   * AWS::CloudFormation::CustomResource or Custom::<name>
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cfn-customresource.html).
   */
  public providerOf(type: string): ResourceProvider {
    if (type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::')) return this.customResources;
    return this.byType.get(type) ?? this.generic;
  }

  public isCustomResource(type: string): boolean {
    return this.providerOf(type) === this.customResources;
  }
}
