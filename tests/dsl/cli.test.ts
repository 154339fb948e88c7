// The `touchpoint` command in-process: exit codes and what it prints, for people and CI.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { run } from '../../cli/main';
import type { CliIo } from '../../cli/io';
import { journeyJsonSchema } from '../../dsl/json-schema';
import { EMAIL_TEMPLATE, HEAD, makeWorkspace } from './support/workspace';

const root = resolve(__dirname, '../..');

async function touchpoint(argv: string[], cwd = root, env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), cwd, env };
  const code = await run(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('touchpoint CLI', () => {
  test('the entry file is an executable node script', async () => {
    expect((await readFile(join(root, 'cli/main.ts'), 'utf8')).split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  test('validate with no arguments checks JOURNEYS_DIR and exits 0 listing every journey version, after each SMS part\'s length', async () => {
    // With the webhook steps' signing key set, validate has no note about it (see the next test).
    const result = await touchpoint(['validate'], root, { WEBHOOK_SECRET: 'set' });
    expect(result).toMatchObject({ code: 0, err: '' });
    const [sms, valid, ...rest] = result.out.split('\n');
    expect(sms).toBe('templates/order-thanks.hbs: sms.text: 1 segment (GSM-7, 122 chars, 123 septets) with the sample of journey "post-purchase"');
    expect(valid).toMatch(/^✓ 3 journeys valid: onboarding \(v[0-9a-f]{16}\), post-purchase \(v[0-9a-f]{16}\), win-back \(v[0-9a-f]{16}\)$/);
    expect(rest).toEqual([]);
  });

  test('validate notes a webhook signing key missing from the environment, and still exits 0', async () => {
    const result = await touchpoint(['validate']);
    expect(result.code).toBe(0);
    const notes = result.out.split('\n').filter((line) => line.includes('WEBHOOK_SECRET'));
    expect(notes).toEqual([
      expect.stringMatching(/^journeys\/post-purchase\.yaml: steps\[4\]\.branch\.cases\[0\]\.steps\[0\]\.webhook\.url: WEBHOOK_SECRET is not set here; .*"helpdesk-ticket"/),
      expect.stringMatching(/^journeys\/post-purchase\.yaml: steps\[4\]\.branch\.cases\[1\]\.steps\[0\]\.webhook\.url: WEBHOOK_SECRET is not set here; .*"crm-follow-up"/),
    ]);
  });

  test('validate prints every problem as file:line:col on stderr and exits 1', async () => {
    const ws = await makeWorkspace({
      'flows/demo.yaml': HEAD + '  - id: hello\n    send:\n      chanel: email\n      template: welcome\n  - id: pause\n    wait: 0d\n',
      'tpl/welcome.hbs': EMAIL_TEMPLATE,
    });
    try {
      const result = await touchpoint(['validate'], ws.dir, { JOURNEYS_DIR: 'flows', TEMPLATES_DIR: 'tpl' });
      expect(result.code).toBe(1);
      expect(result.out).toBe('');
      expect(result.err.split('\n')).toEqual([
        'flows/demo.yaml:8:7: steps[0].send.chanel: unknown key "chanel" — did you mean "channel"?',
        'flows/demo.yaml:11:11: steps[1].wait: "0d" is zero; a duration must be longer than 0, e.g. 1d',
        '✗ 2 problems in 1 file; fix them and run touchpoint validate again',
      ]);

      await ws.write('flows/demo.yaml', HEAD + '  - id: hello\n    send: { channel: email, template: welcome }\n  - id: pause\n    wait: 0d\n');
      const second = await touchpoint(['validate', '--templates', 'tpl', 'flows/demo.yaml'], ws.dir);
      expect(second.code).toBe(1);
      expect(second.err.split('\n')).toEqual([
        'flows/demo.yaml:9:11: steps[1].wait: "0d" is zero; a duration must be longer than 0, e.g. 1d',
        '✗ 1 problem in 1 file; fix them and run touchpoint validate again',
      ]);
    } finally {
      await ws.remove();
    }
  });

  test('schema prints the journey JSON Schema', async () => {
    const result = await touchpoint(['schema']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual(journeyJsonSchema());
  });

  test('--help and help describe every command', async () => {
    for (const argv of [['--help'], ['help'], ['-h']]) {
      const result = await touchpoint(argv);
      expect(result.code).toBe(0);
      for (const command of ['validate', 'preview', 'schema', 'start', 'help']) expect(result.out).toContain(`touchpoint ${command}`);
    }
    const one = await touchpoint(['validate', '--help']);
    expect(one).toMatchObject({ code: 0, err: '' });
    expect(one.out).toContain('Usage: touchpoint validate [--templates <dir>] [file|dir ...]');
  });

  test('an unknown command or option prints usage on stderr and exits 2', async () => {
    const unknown = await touchpoint(['deploy']);
    expect(unknown).toMatchObject({ code: 2, out: '' });
    expect(unknown.err).toContain('touchpoint: unknown command "deploy"');
    expect(unknown.err).toContain('Usage: touchpoint <command> [options]');

    const nothing = await touchpoint([]);
    expect(nothing).toMatchObject({ code: 2, out: '' });

    const badOption = await touchpoint(['validate', '--colour']);
    expect(badOption.code).toBe(2);
    expect(badOption.err).toContain("Unknown option '--colour'");
  });
});
