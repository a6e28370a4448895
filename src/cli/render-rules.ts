// Rules as source code against the package's public API: TypeScript, or Python as jsii names it
// (snake_case methods, struct properties as keyword arguments). String literals are JSON's, which
// both languages read as written (names are free text: quotes, slashes, any Unicode).
import { BaseTargetDocument, PrincipalDocument, RuleDocument, TargetDocument } from '../reconciler/config/document';

export type ImportLanguage = 'typescript' | 'python';

export const IMPORT_LANGUAGES: readonly ImportLanguage[] = ['typescript', 'python'];

/** The package's module name in each language (DESIGN.md: npm and PyPI name, Python module). */
const MODULE = { typescript: 'cdk-identity-center-permissions', python: 'cdk_identity_center_permissions' };

interface Syntax {
  readonly call: (owner: string, tsName: string, args: string[]) => string;
  readonly notNested: string;
}

const SYNTAX: Record<ImportLanguage, Syntax> = {
  typescript: { call: (owner, name, args) => `${owner}.${name}(${args.join(', ')})`, notNested: '{ includeNested: false }' },
  python: { call: (owner, name, args) => `${owner}.${snake(name)}(${args.join(', ')})`, notNested: 'include_nested=False' },
};

/** A module that exports `assignments`, with `comments` (what was left out and why) at its top. */
export function renderRules(rules: readonly RuleDocument[], language: ImportLanguage, comments: readonly string[]): string {
  const syntax = SYNTAX[language];
  const comment = (line: string) => `${language === 'python' ? '#' : '//'} ${line.replace(/[\r\n\u2028\u2029]+/g, ' ')}`.trimEnd();
  const names = 'AccountTarget, AssignmentRule, PermissionSetRef, Principal';
  const body = rules.map((rule) => {
    const fields: Array<[string, string]> = [
      ['principal', principal(rule.principal, syntax)],
      ['permissionSet', syntax.call('PermissionSetRef', 'fromName', [literal(rule.permissionSet)])],
      ['target', target(rule.target, syntax)],
    ];
    return language === 'python'
      ? `    AssignmentRule(\n${fields.map(([k, v]) => `        ${snake(k)}=${v},\n`).join('')}    ),`
      : `  {\n${fields.map(([k, v]) => `    ${k}: ${v},\n`).join('')}  },`;
  });
  const header = comments.map(comment);
  if (language === 'python') {
    return [...header, `from ${MODULE.python} import ${names}`, '', 'assignments = [', ...body, ']', ''].join('\n');
  }
  return [...header, `import { ${names} } from '${MODULE.typescript}';`, '', 'export const assignments: AssignmentRule[] = [', ...body, '];', ''].join('\n');
}

function principal(p: PrincipalDocument, syntax: Syntax): string {
  if ('group' in p) return syntax.call('Principal', 'group', [literal(p.group)]);
  if ('groupId' in p) return syntax.call('Principal', 'groupId', [literal(p.groupId)]);
  if ('user' in p) return syntax.call('Principal', 'user', [literal(p.user)]);
  return syntax.call('Principal', 'userId', [literal(p.userId)]);
}

function target(t: TargetDocument, syntax: Syntax): string {
  const base = baseTarget(t, syntax);
  if (!t.exclude?.length) return base;
  const excluded = t.exclude.map((e) => baseTarget(e, syntax));
  return excluded.length <= 2 ? `${base}.excluding(${excluded.join(', ')})` : `${base}.excluding(\n${excluded.map((e) => `      ${e},\n`).join('')}    )`;
}

function baseTarget(t: BaseTargetDocument, syntax: Syntax): string {
  if ('all' in t) return syntax.call('AccountTarget', 'allAccounts', []);
  if ('ou' in t) return syntax.call('AccountTarget', 'organizationalUnit', t.nested === false ? [literal(t.ou), syntax.notNested] : [literal(t.ou)]);
  if ('account' in t) return syntax.call('AccountTarget', 'account', [literal(t.account)]);
  return syntax.call('AccountTarget', 'accountsWithTag', [literal(t.tag.key), literal(t.tag.value)]);
}

const literal = (value: string) => JSON.stringify(value);

/** jsii's Python names: `allAccounts` -> `all_accounts`, `permissionSet` -> `permission_set`. */
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
