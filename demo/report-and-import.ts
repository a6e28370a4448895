// The demo's operator-command steps: `report` (who can access what where) and `import` (today's
// assignments as rules), then the round trip: the imported rules in an AssignmentAutomation,
// synthesized, and planned against the same instance by `plan --cdk-out`: no change.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { loadAssignments, typeCheck } from './generated-module';
import { AwsSimulator } from '../simulator';
import { AssignmentAutomation } from '../src';
import { formatReport } from '../src/cli/format';
import { ImportArguments, parseImportArguments, runImport } from '../src/cli/import-cli';
import { PlanArguments, parseArguments, runPlan } from '../src/cli/plan-cli';
import { renderRules } from '../src/cli/render-rules';
import { ReportArguments, parseReportArguments, runReport } from '../src/cli/report-cli';
import { formatAccessReport } from '../src/cli/report-format';

const indent = (text: string) => text.split('\n').map((l) => `   ${l}`).join('\n');

/** The commands run in this process, with the simulator's endpoint and credentials, at the default rates scaled to its clock. */
export async function reportStep(sim: AwsSimulator, outdir: string, speed: number): Promise<void> {
  const { report, text } = await withSimulator(sim, () => runReport({ ...(parseReportArguments(['--format', 'markdown']) as ReportArguments), rateScale: speed }));
  fs.writeFileSync(path.join(outdir, 'report.md'), text);
  fs.writeFileSync(path.join(outdir, 'report.json'), formatAccessReport(report, 'json'));
  fs.writeFileSync(path.join(outdir, 'report.csv'), formatAccessReport(report, 'csv'));
  const lines = text.split('\n');
  const table = lines.findIndex((l) => l.startsWith('| OU'));
  // The heading, the counts and notes, and the first rows: enough to read; the whole table is in the file.
  console.log(indent([...lines.slice(0, table + 14), `... ${report.rows.length} rows in all: demo/out/report.md, report.json, report.csv`].join('\n')));
  const byRule = new Map<string, number>();
  for (const row of report.rows) byRule.set(row.grantedBy, (byRule.get(row.grantedBy) ?? 0) + 1);
  console.log(indent(['', 'assignments by what grants them:', ...[...byRule].map(([rule, n]) => `  ${String(n).padStart(4)}  ${rule}`)].join('\n')));
}

/**
 * The round trip as a migration would do it: the imported rules replace the deployed automation's
 * (same event bus, so the same config parameter, state and claims), and `plan --cdk-out` must
 * show no change. (Under another bus name, the deployed automation's claims would hold back the
 * pairs both name, and the plan would prove nothing about them.)
 */
export async function importStep(sim: AwsSimulator, outdir: string, speed: number, stateEnv: Record<string, string>): Promise<void> {
  const imported = await withSimulator(sim, () => runImport({ ...(parseImportArguments([]) as ImportArguments), rateScale: speed }));
  // Kept as .ts.txt: demo/ is type-checked and linted as the project's own code, the module is not.
  fs.writeFileSync(path.join(outdir, 'assignments.ts.txt'), imported.text);
  fs.writeFileSync(path.join(outdir, 'assignments.py'), renderRules(imported.rules, 'python', imported.comments));
  const tsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'imported-')), 'assignments.ts');
  fs.writeFileSync(tsFile, imported.text);
  console.log(indent(imported.text.trimEnd()));
  const problems = typeCheck(tsFile);
  if (problems.length > 0) throw new Error(`the imported module does not compile:\n${problems.join('\n')}`);
  console.log(`   ${imported.assignments} assignments as ${imported.rules.length} rules: demo/out/assignments.ts.txt (type-checked against the package) and assignments.py`);

  // The round trip: a stack of its own whose automation is given only the imported rules.
  const assembly = path.join(outdir, 'imported.out');
  fs.rmSync(assembly, { recursive: true, force: true });
  const app = new App({ outdir: assembly });
  new AssignmentAutomation(new Stack(app, 'Imported'), 'Assignments', {
    instanceArn: sim.identityCenter.instanceArn,
    identityStoreId: sim.identityCenter.identityStoreId,
    assignments: loadAssignments(imported.text),
  });
  app.synth();
  const plan = await withSimulator(sim, () => runPlan({ ...(parseArguments(['plan', '--cdk-out', assembly]) as PlanArguments), rateScale: speed }), stateEnv);
  console.log('   the imported rules in place of the deployed ones, synthesized into demo/out/imported.out, then \'plan --cdk-out demo/out/imported.out\':');
  console.log(indent(formatReport(plan)));
  if (plan.counts.creates + plan.counts.deletes + plan.counts.provisions > 0 || plan.errors.length > 0 || plan.notices.length > 0) {
    throw new Error('the imported rules do not reproduce the live assignments');
  }
}

async function withSimulator<T>(sim: AwsSimulator, run: () => Promise<T>, extra: Record<string, string> = {}): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, sim.env(), extra);
  try {
    return await run();
  } finally {
    process.env = saved;
  }
}
