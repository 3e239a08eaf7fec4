/**
 * Every Thanos container of every rendered environment runs `thanos <subcommand> <flags…>` where each flag exists
 * for that subcommand in the pinned release; and an unknown extra flag in an environment file is reported at its
 * field, with file and line.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidEnvironmentError } from '@thanos-gitops/problems';
import { checkThanosArgs, type ThanosCommand } from '@thanos-gitops/thanos-components';
import { describe, expect, it } from 'vitest';
import { renderEnvironments } from '../src/render.js';
import {
  allContainers,
  cliIn,
  derivedSource,
  objectName,
  plainObjects,
  podSpecs,
  renderAll,
  workspace,
} from './helpers.js';

const THANOS_IMAGE = /^quay\.io\/thanos\/thanos[:@]/;

/** Splits container args into the subcommand (the words before the first flag) and the flags. */
function splitArgs(args: readonly string[]): { command: string; flags: string[] } {
  const first = args.findIndex((a) => a.startsWith('-'));
  const cut = first === -1 ? args.length : first;
  return { command: args.slice(0, cut).join(' '), flags: args.slice(cut) };
}

/** Whether `command` is a Thanos subcommand of the pinned release. */
function isThanosCommand(command: string): command is ThanosCommand {
  return command !== '' && checkThanosArgs(command as ThanosCommand, []).length === 0;
}

describe('flags emitted for Thanos containers', () => {
  const rendered = renderAll();
  const containers = rendered.flatMap((r) =>
    podSpecs(plainObjects(r)).flatMap(({ owner, spec }) =>
      allContainers(spec)
        .filter((c) => THANOS_IMAGE.test(String(c.image)))
        .map((c) => ({ name: `${r.env}: ${objectName(owner)} container ${c.name}`, container: c })),
    ),
  );
  // The ca-bundle check runs the image's busybox shell, not thanos (thanos-components/src/ca-bundle-check.ts).
  const shellChecks = containers.filter(({ container }) => container.name === 'ca-bundle-check');
  const thanosRuns = containers.filter((c) => !shellChecks.includes(c));

  it('finds Thanos containers to check', () => {
    expect(thanosRuns.length).toBeGreaterThan(10);
  });

  it('runs a shell on the Thanos image only for the ca-bundle check, as an init container', () => {
    expect(shellChecks.length).toBeGreaterThan(0);
    for (const { name, container } of shellChecks) {
      expect(container.command?.slice(0, 2), name).toEqual(['/bin/sh', '-c']);
      expect(container.args, name).toBeUndefined();
    }
  });

  it.each(thanosRuns)('$name: args are a subcommand and flags valid for it', ({ container }) => {
    expect(container.command, 'the image entrypoint (thanos) must run').toBeUndefined();
    const args: string[] = container.args ?? [];
    const { command, flags } = splitArgs(args);
    expect(isThanosCommand(command), `"${command}" is not a thanos subcommand`).toBe(true);
    expect(flags.length).toBeGreaterThan(0);
    expect(flags.every((f) => f.startsWith('--'))).toBe(true);
    expect(checkThanosArgs(command as ThanosCommand, flags)).toEqual([]);
  });
});

describe('an unknown extra flag', () => {
  it('is an InvalidEnvironmentError located at the flag', () => {
    const source = derivedSource('dev', 'flagged', [[['query', 'extraArgs'], ['--not-a-flag=1']]]);
    let caught: unknown;
    try {
      renderEnvironments([source]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidEnvironmentError);
    const problems = (caught as InvalidEnvironmentError).problems;
    expect(problems).toHaveLength(1);
    const lines = source.text.split('\n');
    const line = lines.findIndex((l) => l.includes('--not-a-flag=1')) + 1;
    expect(problems[0]).toMatchObject({
      file: 'environments/flagged.yaml',
      field: 'query.extraArgs[0]',
      line,
      column: (lines[line - 1] ?? '').indexOf('--not-a-flag=1') + 1,
    });
    expect(problems[0]?.message).toContain('unknown flag --not-a-flag');
  });

  it('is reported for every workload it is given to, all at once', () => {
    const source = derivedSource('prod', 'flagged', [
      [
        ['query', 'extraArgs'],
        ['--query.default-evaluation-interval=1m', '--not-a-flag=1'],
      ],
      [['storeGateway', 'extraArgs'], ['--query.timeout=1m']],
    ]);
    expect(() => renderEnvironments([source])).toThrow(InvalidEnvironmentError);
    try {
      renderEnvironments([source]);
    } catch (err) {
      // The store gateway renders one pod template per shard and partition, each reporting the flag.
      const fields = new Set((err as InvalidEnvironmentError).problems.map((p) => p.field));
      expect([...fields]).toEqual(['query.extraArgs[1]', 'storeGateway.extraArgs[0]']);
    }
  });

  it('is printed once by the CLI, even when several pods of a workload carry it', async () => {
    const ws = workspace();
    const source = derivedSource('prod', 'prod', [[['storeGateway', 'extraArgs'], ['--query.timeout=1m']]]);
    writeFileSync(join(ws.environments, 'prod.yaml'), source.text);
    const validate = await cliIn(ws, 'validate');
    expect(validate.code).toBe(1);
    expect(validate.err).toContain('storeGateway.extraArgs[0]: unknown flag --query.timeout');
    const gen = await cliIn(ws, 'generate');
    expect(gen.code).toBe(1);
    const errors = gen.err.split('\n').filter((l) => l.startsWith('error '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/prod\.yaml:[0-9]+:[0-9]+ storeGateway\.extraArgs\[0\]: unknown flag --query\.timeout/);
    expect(gen.err).toContain('1 problem; nothing was written.');
    expect(existsSync(ws.clusters)).toBe(false);
  });
});
