import { SeededRandom } from '../../core/seeded-random';

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SUFFIX_LENGTH = 12;

/**
 * The name CloudFormation gives a resource whose template sets none: "By default, CloudFormation
 * generates a unique physical ID to name a resource. For example, CloudFormation might name an
 * Amazon S3 bucket with the following physical ID MyStack-MyBucket-abcdefghijk1"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html).
 * Stack name and logical id are truncated to fit the type's length limit; `ending` (".fifo") is kept.
 */
export function generatedName(random: SeededRandom, stackName: string, logicalId: string, maxLength: number, ending = ''): string {
  const suffix = random.chars(SUFFIX_LENGTH, SUFFIX_ALPHABET);
  const budget = maxLength - SUFFIX_LENGTH - ending.length - 2;
  let stackPart = stackName;
  let logicalPart = logicalId;
  while (stackPart.length + logicalPart.length > budget && stackPart.length + logicalPart.length > 2) {
    if (stackPart.length >= logicalPart.length) stackPart = stackPart.slice(0, -1);
    else logicalPart = logicalPart.slice(0, -1);
  }
  return `${stackPart}-${logicalPart}-${suffix}${ending}`;
}
