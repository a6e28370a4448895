// `npx cdk-identity-center-permissions <command>`: the operator commands, run with the caller's
// credentials. Each command lives in its own file; this only dispatches.
import { ADOPT_USAGE, parseAdoptArguments, runAdopt } from './adopt-cli';
import { IMPORT_USAGE, importMain } from './import-cli';
import { PLAN_USAGE, planMain } from './plan-cli';
import { REPORT_USAGE, reportMain } from './report-cli';

const COMMANDS: Record<string, { usage: string; run: (argv: string[], out: (text: string) => void) => Promise<number> }> = {
  plan: { usage: PLAN_USAGE, run: (argv, out) => planMain(['plan', ...argv], out) },
  report: { usage: REPORT_USAGE, run: reportMain },
  import: { usage: IMPORT_USAGE, run: importMain },
  adopt: {
    usage: ADOPT_USAGE,
    run: async (argv, out) => {
      const args = parseAdoptArguments(argv);
      if ('error' in args) {
        out(`${args.error}\n\n${ADOPT_USAGE}`);
        return 2;
      }
      return runAdopt(args, out);
    },
  },
};

const USAGE = `usage: cdk-identity-center-permissions <command> [options]

  plan    what the reconciler would change, without changing anything
  report  who can access what where: every assignment, and the rule that grants it or 'unmanaged'
  import  today's assignments as rules: a TypeScript or Python module exporting \`assignments\`
  adopt   let catalog entries take over existing permission sets of the same name (with cdk import)

Run a command with --help for its options.`;

export async function main(argv: string[], out: (text: string) => void = console.log): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    if (name === undefined || name === '--help' || name === '-h') {
      out(USAGE);
      return name === undefined ? 2 : 0;
    }
    out(`unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out(command.usage);
    return 0;
  }
  return command.run(rest, out);
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
