/**
 * The environment README's "Sizing from numbers" section: the `capacity` inputs, and for each value derived from
 * them the formula with this environment's numbers, the derived value and the value in use (the file's, when it
 * gives one).
 */
import { type CapacityFigure, capacityFigures } from '@thanos-gitops/model';
import { markdownCode, markdownText } from '@thanos-gitops/output';
import type { Environment } from '@thanos-gitops/schema';

const fieldName = (path: CapacityFigure['path']) =>
  path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

function valueAt(env: Environment, path: CapacityFigure['path']): string {
  // biome-ignore lint/suspicious/noExplicitAny: a walk over the environment by path
  const v = path.reduce<any>((at, k) => at?.[k], env);
  return v === undefined ? '–' : String(v);
}

export function capacitySection(env: Environment): string[] {
  const c = env.capacity;
  if (c === undefined) return [];
  const rows = capacityFigures(env).map((f) => {
    const used = valueAt(env, f.path);
    return `| ${markdownCode(fieldName(f.path))} | ${markdownText(f.formula)} | ${markdownCode(f.value)} | ${
      used === f.value ? 'derived' : `${markdownCode(used)} (the file's)`
    } |`;
  });
  return [
    '## Sizing from numbers',
    '',
    `Inputs (\`capacity\`): ${c.activeSeries} active series, ${c.samplesPerSecond} samples/s, ${c.tenants} ` +
      `tenants, ${c.queriesPerSecond} queries/s. What is not derived comes from \`size: ${env.size}\`.`,
    '',
    '| option | formula | derived | in use |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ];
}
