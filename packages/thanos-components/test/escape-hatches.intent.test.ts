/**
 * Each component's escape hatches (`extraArgs`) are checked against its own pods and reported at its own section:
 * a flag that repeats one the component sets is an error at `<section>.extraArgs[i]`.
 */
import { describe, expect, it } from 'vitest';
import { render } from './support/render.js';

const ARG = "extraArgs: ['--http-address=0.0.0.0:1']";
const SECTIONS: [string, string, (string | number)[]][] = [
  ['store gateway', `storeGateway: { ${ARG} }\n`, ['storeGateway']],
  ['query', `query: { ${ARG} }\n`, ['query']],
  ['query frontend', `queryFrontend: { ${ARG} }\n`, ['queryFrontend']],
  ['compactor', `compactor: { ${ARG} }\n`, ['compactor']],
  ['ruler', `ruler: { enabled: true, ${ARG} }\n`, ['ruler']],
  ['bucket web', `bucketWeb: { enabled: true, ${ARG} }\n`, ['bucketWeb']],
  ['receive router', `receive: { router: { ${ARG} } }\n`, ['receive', 'router']],
  ['ingestors', `receive: { hashrings: [{ name: default, ${ARG} }] }\n`, ['receive', 'hashrings', 0]],
];

describe('escape hatches: checked against the component, reported at its section', () => {
  it.each(SECTIONS)('%s', (_name, yaml, section) => {
    const { problems } = render(yaml, { expectProblems: true });
    expect(problems.map((p) => p.path)).toEqual([[...section, 'extraArgs', 0]]);
    expect(problems[0]?.message).toMatch(/http-address/);
  });
});
