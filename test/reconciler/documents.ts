import { PS } from './fakes';
import { CONFIG_VERSION, ConfigDocument, OptionsDocument, RuleDocument } from '../../src/reconciler/config/document';

export const INSTANCE = 'arn:aws:sso:::instance/ssoins-1111222233334444';

/** A config document with catalog ARNs for every permission set its rules name (unless listed in `byName`). */
export function configWith(rules: RuleDocument[], options: Partial<OptionsDocument> = {}, byName: string[] = []): ConfigDocument {
  const names = [...new Set(rules.map((r) => r.permissionSet))].sort();
  return {
    version: CONFIG_VERSION,
    instanceArn: INSTANCE,
    identityStoreId: 'd-1234567890',
    options: { ...options },
    permissionSets: names.map((name) => (byName.includes(name) ? { name } : { name, arn: PS(name) })),
    rules,
  };
}
