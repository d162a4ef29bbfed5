/**
 * The simulators' shared command line (tools/simulators/cli.ts): --port and --time-scale checked, each
 * simulator's own options, and --help listing them all.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CliUsageError,
  helpOf,
  nowOf,
  parseSimulatorArgs,
  type CliSpec,
} from '../../../tools/simulators/cli.ts';

const run = promisify(execFile);

const SPEC: CliSpec<'credits' | 'webhook'> = {
  script: 'sim:example',
  about: 'An example simulator.',
  port: 8099,
  timeScale: { help: 'every delay', zero: false },
  options: [
    { name: 'credits', value: 'N', help: 'the credits', default: '100' },
    { name: 'webhook', value: 'URL', help: 'where webhooks go' },
  ],
};

const refusal = (argv: string[], spec: CliSpec<string> = SPEC) => {
  try {
    parseSimulatorArgs(spec, argv);
  } catch (e) {
    expect(e).to.be.instanceOf(CliUsageError);
    return (e as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
};

describe('the simulators’ command line (tools/simulators/cli.ts)', () => {
  it('gives the defaults, and the options as given', () => {
    expect(parseSimulatorArgs(SPEC, [])).to.deep.equal({
      port: 8099,
      timeScale: 1,
      values: { credits: '100' },
    });
    expect(
      parseSimulatorArgs(SPEC, ['--port', '0', '--time-scale=0.05', '--webhook', 'http://127.0.0.1:9/h']),
    ).to.deep.equal({
      port: 0,
      timeScale: 0.05,
      values: { credits: '100', webhook: 'http://127.0.0.1:9/h' },
    });
    expect(parseSimulatorArgs(SPEC, ['--help'])).to.equal('help');
    expect(parseSimulatorArgs(SPEC, ['-h'])).to.equal('help');
  });

  it('refuses a port that is not a whole number from 0 to 65535, a time scale out of range, unknown options and stray arguments', () => {
    for (const port of ['x', '-1', '65536', '80.5'])
      expect(refusal([`--port=${port}`])).to.match(/--port must be a whole number/);
    expect(refusal(['--time-scale', '0'])).to.match(/--time-scale must be a number above 0/);
    expect(refusal(['--time-scale', 'fast'])).to.match(/--time-scale must be a number above 0/);
    const zero = { ...SPEC, timeScale: { help: 'every delay', zero: true } };
    expect(parseSimulatorArgs(zero, ['--time-scale', '0'])).to.include({ timeScale: 0 });
    expect(refusal(['--time-scale=-1'], zero)).to.match(/--time-scale must be a number of 0 or more/);
    expect(refusal(['--bogus'])).to.match(/--bogus/);
    expect(refusal(['extra'])).to.match(/extra/);
  });

  it('--help names every option, with its default', () => {
    const help = helpOf(SPEC);
    expect(help).to.match(/^An example simulator\./);
    expect(help).to.include(
      'usage: npm run sim:example -- [--port 8099] [--time-scale 1] [--credits 100] [--webhook URL] | --help',
    );
    expect(help).to.match(/--port N +the TCP port on 127\.0\.0\.1 \(default 8099/);
    expect(help).to.match(/--time-scale S +multiplies every delay: .*above 0/);
    expect(help).to.match(/--credits N +the credits \(default 100\)/);
    expect(help).to.match(/--webhook URL +where webhooks go$/m);
  });

  it('a simulator without delays has no --time-scale (and runs at 1)', () => {
    const { timeScale: _, ...plain } = SPEC;
    expect(helpOf(plain)).to.include('usage: npm run sim:example -- [--port 8099] [--credits 100]');
    expect(helpOf(plain)).not.to.include('--time-scale');
    expect(parseSimulatorArgs(plain, [])).to.include({ timeScale: 1 });
    expect(() => parseSimulatorArgs(plain, ['--time-scale', '2'])).to.throw(CliUsageError, /time-scale/);
  });

  it('--now is today or a date', () => {
    const fail = (p: string): never => {
      throw new Error(p);
    };
    expect(nowOf(undefined, fail)).to.equal(undefined);
    expect(nowOf('2026-11-02', fail)?.toISOString()).to.equal('2026-11-02T12:00:00.000Z');
    expect(Math.abs(nowOf('today', fail)!.getTime() - Date.now())).to.be.below(60_000);
    expect(() => nowOf('soon', fail)).to.throw(/--now must be today or a date/);
  });

  describe('each simulator’s --help (its own process)', function () {
    // Four `node --import tsx` start-ups on a shared machine: generous.
    this.timeout(120_000);
    for (const [file, options] of [
      ['validifi', ['--port', '--time-scale', '--now']],
      [
        'decisioning-api',
        ['--port', '--time-scale', '--webhook', '--webhook-secret', '--sample', '--source'],
      ],
      ['document-api', ['--port', '--time-scale', '--credits']],
      ['legacy-provider', ['--port', '--time-scale']],
      ['plaid', ['--port', '--now']],
    ] as const) {
      it(`sim:${file} lists ${options.join(', ')}, and refuses an unknown option with exit code 2`, async () => {
        const script = `tools/simulators/${file}.ts`;
        const { stdout } = await run(process.execPath, ['--import', 'tsx', script, '--help'], {
          timeout: 100_000,
        });
        expect(stdout).to.include(`usage: npm run sim:${file} -- `);
        for (const o of options) expect(stdout).to.match(new RegExp(`^  ${o} `, 'm'));
        const refused = await run(process.execPath, ['--import', 'tsx', script, '--no-such-option'], {
          timeout: 100_000,
        }).then(
          () => undefined,
          (e: { code?: number; stderr?: string }) => e,
        );
        expect(refused?.code).to.equal(2);
        expect(refused?.stderr).to.include(`sim:${file}: Unknown option '--no-such-option'`);
      });
    }
  });
});
