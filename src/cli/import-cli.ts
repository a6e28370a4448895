// `cdk-identity-center-permissions import`: today's assignments as rules. Reads every assignment
// of the instance (read-only, at a bounded rate) and writes a TypeScript or Python module that
// exports `assignments`: given to an AssignmentAutomation, they plan no change on this instance.
import * as fs from 'fs';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, ConnectionArguments, connect, connectionArguments } from './connection';
import { parseFlags } from './flags';
import { InferredRule, LeftOut, inferRules } from './infer-rules';
import { Inventory, readInventory } from './inventory';
import { IMPORT_LANGUAGES, ImportLanguage, renderRules } from './render-rules';
import { describePrincipal } from '../reconciler/config/describe';
import { PrincipalDocument, RuleDocument } from '../reconciler/config/document';
import { isIdentifier } from '../reconciler/config/identifiers';
import { mapLimit } from '../reconciler/core/concurrency';
import { PrincipalId, principalKey } from '../reconciler/core/model';
import { IdentityStorePort } from '../reconciler/core/ports';
import { eligibility } from '../reconciler/core/scope';

export const IMPORT_USAGE = `usage: cdk-identity-center-permissions import [options]

Reads every account assignment of the Identity Center instance and writes a module exporting
\`assignments\`: rules that reproduce them (allAccounts() and OU targets where a pair covers them),
for an AssignmentAutomation. Read-only.

  --language LANG      typescript or python (default typescript)
  --out FILE           write the module to FILE (default: standard output)
  --management-account-id ID
                       the automation will run in a delegated administrator account
                       (organizationManagementAccountId): leave out what it cannot manage
${CONNECTION_USAGE}
`;

export interface ImportArguments extends ConnectionArguments {
  readonly language: ImportLanguage;
  readonly out?: string;
  readonly managementAccountId?: string;
}

export function parseImportArguments(argv: string[]): ImportArguments | { error: string } {
  const parsed = parseFlags(argv, { options: ['--language', '--out', '--management-account-id', ...CONNECTION_OPTIONS] });
  if ('error' in parsed) return parsed;
  const { values } = parsed;
  const language = (values.language ?? 'typescript') as ImportLanguage;
  if (!IMPORT_LANGUAGES.includes(language)) return { error: `--language must be one of ${IMPORT_LANGUAGES.join(', ')}, got '${values.language}'` };
  const management = values['management-account-id'];
  if (management !== undefined && !isIdentifier('accountId', management)) return { error: `--management-account-id must be a 12-digit account id, got '${management}'` };
  const connection = connectionArguments(values);
  if ('error' in connection) return connection;
  return { ...connection, language, out: values.out, managementAccountId: management };
}

export interface ImportResult {
  /** The rules written, as the config document holds them. */
  readonly rules: RuleDocument[];
  readonly leftOut: LeftOut[];
  /** The module's opening comment, to render the same rules in another language. */
  readonly comments: string[];
  readonly text: string;
  readonly assignments: number;
  readonly apiCalls: Record<string, number>;
}

/** Reads the instance and renders its rules; exported so tests drive it against the simulator. */
export async function runImport(args: ImportArguments): Promise<ImportResult> {
  const { aws, counter, instance: findInstance } = connect(args);
  const instance = await findInstance();
  const identityCenter = aws.identityCenter(instance.instanceArn);
  const identityStore = aws.identityStore(instance.identityStoreId);
  const inventory = await readInventory({ organizations: aws.organizations, identityCenter, principals: identityStore }, { concurrency: 4 });
  const management = args.managementAccountId;
  const provisionedTo = (account: string) => [...inventory.provisioned].filter(([, accounts]) => accounts.includes(account)).map(([arn]) => arn);
  const forbidden = new Set(management === undefined ? [] : provisionedTo(management));
  const inference = inferRules(inventory.org, inventory.assignments, eligibility(management), forbidden);
  const named = await principalDocuments(inference.rules.map((r) => r.principal), inventory, identityStore);
  const rules: RuleDocument[] = [];
  const leftOut = [...inference.leftOut];
  for (const rule of inference.rules) {
    const principal = named.get(principalKey(rule.principal));
    if (principal) rules.push({ principal, permissionSet: inventory.permissionSetNames.get(rule.permissionSetArn)!, target: rule.target });
    else leftOut.push(...vanishedAssignments(rule, inventory));
  }
  rules.sort((a, b) => compare(describePrincipal(a.principal), describePrincipal(b.principal)) || compare(a.permissionSet, b.permissionSet));
  const comments = header(instance.instanceArn, inventory.assignments.length, rules.length, leftOut, inventory);
  const text = renderRules(rules, args.language, comments);
  return { rules, leftOut, comments, text, assignments: inventory.assignments.length, apiCalls: counter.snapshot() };
}

/**
 * Groups and users by name where the name finds this very principal again (GetGroupId and
 * GetUserId, as the reconciler will look them up); by id where it finds another or none. A
 * principal the identity store no longer has is left out: its rule could only fail.
 */
async function principalDocuments(
  principals: PrincipalId[], inventory: Inventory, store: IdentityStorePort,
): Promise<Map<string, PrincipalDocument>> {
  const distinct = [...new Map(principals.map((p) => [principalKey(p), p])).values()];
  const docs = await mapLimit(distinct, 4, async (p): Promise<PrincipalDocument | undefined> => {
    const name = inventory.principalNames.get(principalKey(p));
    if (name === undefined) return undefined;
    if (p.principalType === 'GROUP') return (await store.findGroupId(name)) === p.principalId ? { group: name } : { groupId: p.principalId };
    return (await store.findUserId(name)) === p.principalId ? { user: name } : { userId: p.principalId };
  });
  const result = new Map<string, PrincipalDocument>();
  distinct.forEach((p, i) => docs[i] && result.set(principalKey(p), docs[i]!));
  return result;
}

function vanishedAssignments(rule: InferredRule, inventory: Inventory): LeftOut[] {
  return inventory.assignments
    .filter((a) => principalKey(a) === principalKey(rule.principal) && a.permissionSetArn === rule.permissionSetArn)
    .map((assignment) => ({ assignment, reason: `the ${rule.principal.principalType.toLowerCase()} is no longer in the identity store` }));
}

const LISTED = 20;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function header(instanceArn: string, assignments: number, rules: number, leftOut: LeftOut[], inventory: Inventory): string[] {
  const unique = [...new Map(leftOut.map((o) => [`${principalKey(o.assignment)}|${o.assignment.permissionSetArn}|${o.assignment.accountId}`, o])).values()];
  const describe = (o: LeftOut) => {
    const a = o.assignment;
    const account = inventory.org.snapshot.accounts.get(a.accountId);
    const who = inventory.principalNames.get(principalKey(a)) ?? a.principalId;
    return `${a.principalType.toLowerCase()} ${who} -> ${inventory.permissionSetNames.get(a.permissionSetArn)} @ ${account?.name ?? a.accountId} (${a.accountId}): ${o.reason}`;
  };
  return [
    `Generated by 'cdk-identity-center-permissions import' from ${instanceArn}:`,
    `${assignments} assignment(s) as ${rules} rule(s). Groups are named in full: give these to an AssignmentAutomation without groupNameSuffix.`,
    'Permission sets are named; those of your PermissionSetCatalog can be catalog.permissionSet(name) instead.',
    ...(unique.length === 0 ? [] : [
      `Left out, ${unique.length} assignment(s) no rule can reproduce (the reconciler never touches them):`,
      ...unique.slice(0, LISTED).map((o) => `  ${describe(o)}`),
      ...(unique.length > LISTED ? [`  ... and ${unique.length - LISTED} more`] : []),
    ]),
  ];
}

export async function importMain(argv: string[], out: (text: string) => void): Promise<number> {
  const args = parseImportArguments(argv);
  if ('error' in args) {
    out(`${args.error}\n\n${IMPORT_USAGE}`);
    return 2;
  }
  const result = await runImport(args);
  if (!args.out) {
    out(result.text.trimEnd());
    return 0;
  }
  fs.writeFileSync(args.out, result.text);
  out(`${result.assignments} assignment(s) as ${result.rules.length} rule(s) written to ${args.out}`
    + (result.leftOut.length > 0 ? `; ${result.leftOut.length} left out (listed at its top)` : ''));
  return 0;
}
