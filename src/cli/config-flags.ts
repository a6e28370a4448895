// Where the operator commands read the automation's config document: the deployed head parameter
// in SSM (the reconciler's own adapter), or a synthesized cloud assembly (`--cdk-out`).
import { readConfigFromCdkOut } from './cdk-out-config';
import { DEFAULT_BUS_NAME, parameterNames } from '../reconciler/contract';
import { ConfigPort } from '../reconciler/core/ports';

export const DEFAULT_PARAMETER = parameterNames(DEFAULT_BUS_NAME).head;

/** The cloud assembly's document when `cdkOut` is given; undefined means the parameter in SSM. */
export function configSource(args: { parameter: string; cdkOut?: string }): ConfigPort | undefined {
  return args.cdkOut
    ? { read: async () => readConfigFromCdkOut(args.cdkOut!, args.parameter === DEFAULT_PARAMETER ? undefined : args.parameter) }
    : undefined;
}
