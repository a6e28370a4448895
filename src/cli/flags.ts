/** Command-line flags as the operator commands take them: `--name value` options and bare `--switch`es. */
export interface ParsedFlags {
  readonly values: Readonly<Record<string, string>>;
  readonly switches: ReadonlySet<string>;
}

/** Parses `argv` against the options and switches a command knows (with their dashes); an unknown flag or a missing value is an error. */
export function parseFlags(
  argv: readonly string[], known: { options: readonly string[]; switches?: readonly string[] },
): ParsedFlags | { error: string } {
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (known.switches?.includes(flag)) {
      switches.add(flag.slice(2));
      continue;
    }
    if (!known.options.includes(flag)) return { error: `unknown option '${flag}'` };
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) return { error: `${flag} needs a value` };
    values[flag.slice(2)] = value;
  }
  return { values, switches };
}
