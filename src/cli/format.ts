import { ChangeLine } from '../reconciler/core/labels';
import { headline } from '../reconciler/core/notification-content';
import { RunReport } from '../reconciler/core/report';

/** A fixed-width table of changes, for terminals. */
export function changeTable(changes: ChangeLine[], limit = 200): string {
  if (changes.length === 0) return '  (no changes)';
  const rows = changes.slice(0, limit).map((c) => [c.action, c.principal ?? '-', c.permissionSet, c.account, statusOf(c)]);
  const header = ['action', 'principal', 'permission set', 'account', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i])).join('  ')}`.trimEnd();
  const lines = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  if (changes.length > limit) lines.push(`  ... and ${changes.length - limit} more`);
  return lines.join('\n');
}

function statusOf(c: ChangeLine): string {
  if (!c.status) return 'planned';
  return c.reason ? `${c.status}: ${c.reason}` : c.status;
}

/** The whole report as an operator reads it: headline, counts, table, refusals and errors. */
export function formatReport(report: RunReport, limit = 200): string {
  const c = report.counts;
  const refusedLines = report.refusals.map((r) => `  REFUSED (${r.reason}): ${r.message}`);
  const errorLines = report.errors.map((e) => `  ERROR: ${e}`);
  const noteLines = report.notices.map((n) => `  NOTE: ${n}`);
  return [
    report.mode === 'plan' || report.dryRun ? `Plan (${report.outcome}): ${c.creates} create(s), ${c.deletes} delete(s), ${c.provisions} re-provisioning(s)` : headline(report),
    `  ${c.rules} rules, ${c.accounts} accounts, ${c.desired} desired and ${c.current} current managed assignments; `
      + `${c.foreign} assignments of managed principals to unmanaged permission sets left alone`,
    changeTable(report.changes, limit),
    ...refusedLines,
    ...errorLines,
    ...noteLines,
    ...(report.continuation ? ['  The run stopped for time; a continuation is queued.'] : []),
  ].join('\n');
}

