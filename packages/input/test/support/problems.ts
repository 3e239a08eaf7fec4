/** Loading one environment file in the rules tests: a minimal valid base and the problems of base + a fragment. */

import { InvalidEnvironmentError, type Problem } from '@thanos-gitops/problems';
import type { Environment } from '@thanos-gitops/schema';
import { loadEnvironments } from '../../src/index.js';

export const FILE = 'environments/test.yaml';
export const BASE = `name: test
cluster: { name: test-cluster }
objectStorage: { provider: s3, bucket: test-bucket, region: eu-west-1 }
`;

/** The problems of loading BASE + `yaml`; empty when it loads. */
export function problemsOf(yaml: string): Problem[] {
  try {
    loadEnvironments([{ path: FILE, text: `${BASE}${yaml}` }]);
    return [];
  } catch (e) {
    if (!(e instanceof InvalidEnvironmentError)) throw e;
    return e.problems;
  }
}

/** The warnings of loading BASE + `yaml`, which must load. */
export function warningsOf(yaml: string): Problem[] {
  const [loaded] = loadEnvironments([{ path: FILE, text: `${BASE}${yaml}` }]);
  if (!loaded) throw new Error('nothing loaded');
  return [...loaded.warnings];
}

/** The fully defaulted environment of BASE + `yaml`, which must load: for calling one rule directly. */
export function environmentOf(yaml: string): Environment {
  const [loaded] = loadEnvironments([{ path: FILE, text: `${BASE}${yaml}` }]);
  if (!loaded) throw new Error('nothing loaded');
  return loaded.env;
}
