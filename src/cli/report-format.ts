import { AccessReport, AccessRow, REPORT_COLUMNS, UNMANAGED } from './access-report';

export type ReportFormat = 'csv' | 'json' | 'markdown';

export const REPORT_FORMATS: readonly ReportFormat[] = ['csv', 'json', 'markdown'];

/** The report as a file: JSON `{ "assignments": [...] }`, CSV with the same columns, or a Markdown table. */
export function formatAccessReport(report: AccessReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify({ assignments: report.rows }, null, 2)}\n`;
  if (format === 'csv') return [REPORT_COLUMNS.join(','), ...report.rows.map((r) => REPORT_COLUMNS.map((c) => csvField(r[c])).join(','))].join('\r\n') + '\r\n';
  return markdown(report);
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const MARKDOWN_COLUMNS: ReadonlyArray<[string, (r: AccessRow) => string]> = [
  ['OU', (r) => r.ouPath],
  ['account', (r) => (r.accountName ? `${r.accountName} (${r.accountId})` : r.accountId)],
  ['permission set', (r) => r.permissionSetName || r.permissionSetArn],
  ['principal', (r) => `${r.principalType.toLowerCase()} ${r.principalName || r.principalId}`],
  ['granted by', (r) => r.grantedBy],
];

function markdown(report: AccessReport): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const row = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const unmanaged = report.rows.filter((r) => r.grantedBy === UNMANAGED).length;
  return [
    '# Identity Center access',
    '',
    `${report.rows.length} assignment(s), ${report.rows.length - unmanaged} granted by a rule, ${unmanaged} unmanaged.`,
    ...report.notes.map((n) => `- ${n}`),
    '',
    row(MARKDOWN_COLUMNS.map(([h]) => h)),
    row(MARKDOWN_COLUMNS.map(() => '---')),
    ...report.rows.map((r) => row(MARKDOWN_COLUMNS.map(([, f]) => f(r)))),
    '',
  ].join('\n');
}
