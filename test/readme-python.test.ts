import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

// The README's Python examples are whole programs a user can paste into app.py: they import every
// name they use and synthesize the app. They run here against permissive stand-ins for aws_cdk and
// constructs (PyPI is unreachable), with this library's real export list.

/** What src/index.ts exports: classes, enums and interfaces alike, since jsii makes each a Python class (structs too). */
function exportedNames(): string[] {
  const index = path.join(__dirname, '..', 'src', 'index.ts');
  const program = ts.createProgram([index], { noEmit: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
  return checker.getExportsOfModule(module).map((symbol) => symbol.name);
}

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const STUBS = path.join(__dirname, 'fixtures', 'python-stubs');
const examples = [...README.matchAll(/^```python\n([\s\S]*?)^```$/gm)].map((m, i) => [`example ${i + 1}`, m[1]] as const);

describe('README Python examples', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-python-'));
  const exports = path.join(dir, 'exports.txt');
  fs.writeFileSync(exports, exportedNames().join('\n'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('there are some', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  test.each(examples)('%s imports what it uses and synthesizes the app', (name, source) => {
    const file = path.join(dir, `${name.replace(/\W/g, '-')}.py`);
    fs.writeFileSync(file, source);
    const run = spawnSync('python3', [path.join(STUBS, 'run_example.py'), file, exports], {
      env: { ...process.env, PYTHONPATH: STUBS, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
    });
    expect({ name, status: run.status, stderr: run.stderr.trim().split('\n').slice(-3).join('\n') }).toEqual({ name, status: 0, stderr: '' });
  });
});
