/**
 * The command line every local simulator takes (`npm run sim:… -- …`): `--port` and `--time-scale`,
 * its own options, and `--help` listing them all with their defaults. A value that is not right (or an
 * option it does not know) prints what is wrong and the usage line and exits with 2; once the simulator
 * listens its banner is printed, or, when it cannot start, the error, and the exit code is 1.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { errorMessage } from '../../src/lib/narrow.ts';

/** One option of a simulator beyond --port and --time-scale; its value is a string. */
export interface CliOption<K extends string> {
  name: K;
  /** What its value looks like in the usage line: `N`, `URL`, `risky|good`. */
  value: string;
  /** What it does, for --help. */
  help: string;
  default?: string;
}

export interface CliSpec<K extends string> {
  /** The npm script that runs the simulator (`sim:document-api`). */
  script: string;
  /** What the simulator is, the first line of --help. */
  about: string;
  /** --port's default. */
  port: number;
  /** Absent for a simulator without delays: no --time-scale, and 1. */
  timeScale?: {
    /** What --time-scale multiplies, for --help (1 is always the provider's own pace). */
    help: string;
    /** Whether 0 (everything at once) is allowed; otherwise it must be above 0. */
    zero: boolean;
  };
  /** Its other options, in the order --help lists them. */
  options?: ReadonlyArray<CliOption<K>>;
}

/** The command line as read: --port and --time-scale checked, the other options as given (or their defaults). */
export interface SimArgs<K extends string> {
  port: number;
  timeScale: number;
  values: Partial<Record<K, string>>;
}

/** The command line is not right: `message` says what, for the user. */
export class CliUsageError extends Error {}

const usageOf = (spec: CliSpec<string>) =>
  `usage: npm run ${spec.script} -- [--port ${spec.port}]${spec.timeScale ? ' [--time-scale 1]' : ''}${(
    spec.options ?? []
  )
    .map((o) => ` [--${o.name} ${o.default ?? o.value}]`)
    .join('')} | --help`;

/** What --help prints: what the simulator is, the usage line, and each option with its default. */
export function helpOf(spec: CliSpec<string>): string {
  const rows: Array<[string, string]> = [
    ['--port N', `the TCP port on 127.0.0.1 (default ${spec.port}; 0 for any free port)`],
    ...(spec.timeScale
      ? [
          [
            '--time-scale S',
            `multiplies ${spec.timeScale.help}: 1 is the provider's real pace (default 1; ${spec.timeScale.zero ? '0 or more' : 'above 0'})`,
          ] satisfies [string, string],
        ]
      : []),
    ...(spec.options ?? []).map((o): [string, string] => [
      `--${o.name} ${o.value}`,
      o.default === undefined ? o.help : `${o.help} (default ${o.default})`,
    ]),
    ['--help', 'prints this list'],
  ];
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return [
    spec.about,
    '',
    usageOf(spec),
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`),
  ].join('\n');
}

/**
 * Reads `argv` (the arguments after the script) by `spec`: 'help' for --help, else the values. Throws
 * `CliUsageError` for an unknown option, a stray argument, a port that is not a whole number from 0 to
 * 65535, or a time scale out of its range.
 */
export function parseSimulatorArgs<K extends string>(
  spec: CliSpec<K>,
  argv: readonly string[],
): SimArgs<K> | 'help' {
  const extra = spec.options ?? [];
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string', default: String(spec.port) },
        ...(spec.timeScale ? { 'time-scale': { type: 'string', default: '1' } } : {}),
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(
          extra.map((o) => [
            o.name,
            o.default === undefined ? { type: 'string' } : { type: 'string', default: o.default },
          ]),
        ),
      },
    }).values;
  } catch (e) {
    throw new CliUsageError(errorMessage(e));
  }
  if (values.help === true) return 'help';
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliUsageError('--port must be a whole number from 0 to 65535');
  const timeScale = spec.timeScale ? Number(values['time-scale']) : 1;
  if (spec.timeScale && (spec.timeScale.zero ? !(timeScale >= 0) : !(timeScale > 0)))
    throw new CliUsageError(
      `--time-scale must be a number ${spec.timeScale.zero ? 'of 0 or more' : 'above 0'}`,
    );
  const given: Partial<Record<K, string>> = {};
  for (const o of extra) {
    const v = values[o.name];
    if (typeof v === 'string') given[o.name] = v;
  }
  return { port, timeScale, values: given };
}

/** Prints what is wrong and the usage line, and exits with 2. */
function usageExit(spec: CliSpec<string>, problem: string): never {
  console.error(`${spec.script}: ${problem}\n${usageOf(spec)}`);
  process.exit(2);
}

/**
 * `parseSimulatorArgs` over this process's arguments, for a simulator's main: --help prints the list
 * and exits 0, a command line that is not right exits 2. `fail` does the same for what the simulator
 * checks itself (two options that go together, a value of its own).
 */
export function simulatorCli<K extends string>(
  spec: CliSpec<K>,
  argv: readonly string[] = process.argv.slice(2),
): SimArgs<K> & { fail: (problem: string) => never } {
  let args: SimArgs<K> | 'help';
  try {
    args = parseSimulatorArgs(spec, argv);
  } catch (e) {
    if (e instanceof CliUsageError) usageExit(spec, e.message);
    throw e;
  }
  if (args === 'help') {
    console.log(helpOf(spec));
    process.exit(0);
  }
  return { ...args, fail: (problem) => usageExit(spec, problem) };
}

/** Whether the module at `moduleUrl` (its `import.meta.url`) is the script node was started with. */
export const isMain = (moduleUrl: string): boolean => moduleUrl === pathToFileURL(process.argv[1] ?? '').href;

/** Prints `banner(sim)` once the simulator listens; when it cannot start, the error, and exits with 1. */
export function serve<S>(started: Promise<S>, banner: (sim: S) => string): void {
  started.then(
    (sim) => console.log(banner(sim)),
    (e: unknown) => {
      console.error(errorMessage(e));
      process.exit(1);
    },
  );
}

/** The `--now` option of the simulators that serve personas' histories (ValidiFI, Plaid). */
export const NOW_OPTION = {
  name: 'now',
  value: 'today|YYYY-MM-DD',
  help: "moves the personas' histories by whole weeks to end just before that day (else they end on 2026-11-02)",
} as const;

/** `--now`'s value as a date (undefined when not given); `fail` when it is neither today nor a date. */
export function nowOf(value: string | undefined, fail: (problem: string) => never): Date | undefined {
  if (value === undefined) return undefined;
  const now = value === 'today' ? new Date() : new Date(`${value}T12:00:00Z`);
  return Number.isNaN(now.getTime()) ? fail('--now must be today or a date YYYY-MM-DD') : now;
}

/** The banner's words on where the personas' histories end. */
export const historiesTo = (now: Date | undefined): string =>
  `histories to ${now ? `the week before ${now.toISOString().slice(0, 10)}` : '2026-11-02 (--now today for current ones)'}`;
