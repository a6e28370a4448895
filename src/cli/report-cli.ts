// `cdk-identity-center-permissions report`: who can access what where. Every assignment of the
// instance with names, account, OU path and the rule that grants it (or `unmanaged`), read with
// the caller's credentials at a bounded rate. Reads the config like `plan`; never writes to AWS.
import * as fs from 'fs';
import { AccessReport, ResolvedConfig, accessReport } from './access-report';
import { DEFAULT_PARAMETER, configSource } from './config-flags';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, ConnectionArguments, connect, connectionArguments } from './connection';
import { parseFlags } from './flags';
import { readInventory } from './inventory';
import { REPORT_FORMATS, ReportFormat, formatAccessReport } from './report-format';
import { SsmConfigAdapter } from '../reconciler/adapters/ssm-config';
import { ConfigDocument } from '../reconciler/config/document';
import { resolveReferences } from '../reconciler/core/references';

export const REPORT_USAGE = `usage: cdk-identity-center-permissions report [options]

Lists every account assignment of the Identity Center instance: principal, permission set,
account, OU path, and the rule of the automation that grants it, or 'unmanaged'. Read-only.

  --format FORMAT      csv, json or markdown (default markdown)
  --out FILE           write the report to FILE (default: standard output)
  --parameter NAME     the automation's config parameter (default ${DEFAULT_PARAMETER})
  --cdk-out DIR        read the config from a synthesized cloud assembly instead of SSM
${CONNECTION_USAGE}
`;

export interface ReportArguments extends ConnectionArguments {
  readonly format: ReportFormat;
  readonly out?: string;
  readonly parameter: string;
  readonly cdkOut?: string;
}

export function parseReportArguments(argv: string[]): ReportArguments | { error: string } {
  const parsed = parseFlags(argv, { options: ['--format', '--out', '--parameter', '--cdk-out', ...CONNECTION_OPTIONS] });
  if ('error' in parsed) return parsed;
  const { values } = parsed;
  const format = (values.format ?? 'markdown') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) return { error: `--format must be one of ${REPORT_FORMATS.join(', ')}, got '${values.format}'` };
  const connection = connectionArguments(values);
  if ('error' in connection) return connection;
  return { ...connection, format, out: values.out, parameter: values.parameter ?? DEFAULT_PARAMETER, cdkOut: values['cdk-out'] };
}

/** Reads the config, the organization and every assignment; exported so tests drive it against the simulator. */
export async function runReport(args: ReportArguments): Promise<{ report: AccessReport; text: string; apiCalls: Record<string, number> }> {
  const { aws, counter, instance: findInstance } = connect(args);
  const read = await (configSource(args) ?? new SsmConfigAdapter(aws.ssm, args.parameter)).read();
  if ('invalid' in read || 'inconsistent' in read) throw new Error(`the config cannot be used: ${'invalid' in read ? read.invalid : read.inconsistent}`);
  const document: ConfigDocument | undefined = 'document' in read ? read.document : undefined;
  if (document && args.instanceArn && args.instanceArn !== document.instanceArn) {
    throw new Error(`--instance-arn ${args.instanceArn} is not the instance of the config (${document.instanceArn}); pass the automation's --parameter or omit --instance-arn`);
  }
  const instance = await findInstance(document);
  const identityCenter = aws.identityCenter(instance.instanceArn);
  const identityStore = aws.identityStore(instance.identityStoreId);
  const concurrency = 4;
  const ports = { organizations: aws.organizations, identityCenter, principals: identityStore };
  const inventory = await readInventory(ports, { concurrency, withTags: document && usesTags(document) });
  const config: ResolvedConfig | undefined = document
    && { document, refs: await resolveReferences(document, identityStore, identityCenter, concurrency) };
  const report = accessReport(inventory, config);
  const notes = config ? report.notes : [`no automation config (${'missing' in read ? read.missing : args.parameter}): every assignment is unmanaged`, ...report.notes];
  const full = { ...report, notes };
  return { report: full, text: formatAccessReport(full, args.format), apiCalls: counter.snapshot() };
}

/** Whether a rule selects accounts by tag, so that the organization is read with its tags. */
function usesTags(doc: ConfigDocument): boolean {
  return doc.rules.some((r) => 'tag' in r.target || (r.target.exclude ?? []).some((t) => 'tag' in t));
}

export async function reportMain(argv: string[], out: (text: string) => void): Promise<number> {
  const args = parseReportArguments(argv);
  if ('error' in args) {
    out(`${args.error}\n\n${REPORT_USAGE}`);
    return 2;
  }
  const { report, text } = await runReport(args);
  if (!args.out) {
    out(text.trimEnd());
    return 0;
  }
  fs.writeFileSync(args.out, text);
  out([`${report.rows.length} assignment(s) written to ${args.out}`, ...report.notes.map((n) => `  NOTE: ${n}`)].join('\n'));
  return 0;
}
