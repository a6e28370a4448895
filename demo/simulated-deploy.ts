import * as fs from 'fs';
import * as path from 'path';
import type { AwsSimulator } from '../simulator';

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/**
 * Does what CloudFormation would do with the synthesized home stack, for the resources the
 * reconciler reads: creates each AWS::SSO::PermissionSet in the simulator, then writes each
 * AWS::SSM::Parameter with its Fn::GetAtt references to those permission sets resolved.
 */
export function deployToSimulator(sim: AwsSimulator, cdkOut: string, stackName: string): { permissionSets: number; parameters: string[] } {
  const template = JSON.parse(fs.readFileSync(path.join(cdkOut, `${stackName}.template.json`), 'utf8')) as { Resources: Record<string, Resource> };
  const arns = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::SSO::PermissionSet') continue;
    const name = resource.Properties!.Name as string;
    const existing = sim.identityCenter.permissionSetByName(name);
    const description = resource.Properties!.Description as string | undefined;
    arns.set(logicalId, (existing ?? sim.identityCenter.createPermissionSet({ name, description })).arn);
  }
  const parameters: string[] = [];
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::SSM::Parameter') continue;
    const name = resource.Properties!.Name as string;
    sim.ssm.put(name, render(resource.Properties!.Value, arns), { tier: resource.Properties!.Tier === 'Standard' ? 'Standard' : 'Advanced' });
    parameters.push(name);
  }
  return { permissionSets: arns.size, parameters };
}

/** A template value with the intrinsics the config parameters use (Fn::Join of strings and GetAtt). */
function render(value: unknown, arns: Map<string, string>): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => render(part, arns)).join(join[0]);
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt && getAtt[1] === 'PermissionSetArn' && arns.has(getAtt[0])) return arns.get(getAtt[0])!;
  throw new Error(`the demo cannot resolve ${JSON.stringify(value)}`);
}
