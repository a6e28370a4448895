// Loading the module `import` writes, with this package's source as `cdk-identity-center-permissions`:
// type-checked by the TypeScript compiler, and run to get its `assignments` (the demo and the tests).
import * as path from 'path';
import * as ts from 'typescript';
import * as library from '../src';

const ROOT = path.join(__dirname, '..');
const PACKAGE = 'cdk-identity-center-permissions';

/** The compiler's complaints about a generated module (none when it compiles against the package). */
export function typeCheck(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    ignoreDeprecations: '6.0',
    skipLibCheck: true,
    types: ['node'],
    paths: { [PACKAGE]: [path.join(ROOT, 'src', 'index.ts')] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** Runs a generated TypeScript module and returns its `assignments`. */
export function loadAssignments(text: string): library.AssignmentRule[] {
  const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const module = { exports: {} as { assignments?: library.AssignmentRule[] } };
  const load = (name: string) => {
    if (name !== PACKAGE) throw new Error(`the generated module imports ${name}`);
    return library;
  };
  new Function('require', 'module', 'exports', js)(load, module, module.exports);
  if (!Array.isArray(module.exports.assignments)) throw new Error('the generated module exports no assignments array');
  return module.exports.assignments;
}
