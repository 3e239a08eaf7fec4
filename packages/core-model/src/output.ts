/**
 * The light entry point of core-model, `@thanos-gitops/core-model/output`: comparing and writing `clusters/` and the
 * generated-file header, without loading the schema, the validators or the Kubernetes models. The command uses it
 * to find out, at little more than the cost of starting Node, that nothing needs rendering.
 */

export { isSystemError, systemErrorLine } from './fs-errors.js';
export { GENERATED_MARK, generatedHeader, isGenerated } from './header.js';
export { environmentName, KUSTOMIZATION_FILE, RESERVED_CLUSTERS_FOLDERS, YAML_FILE } from './layout.js';
export { formatProblem, InvalidEnvironmentError, type Problem } from './problems.js';
export {
  compareTree,
  type EnvironmentTree,
  existingEnvironments,
  InterruptedError,
  LOCK_FILE,
  leftovers,
  lockHolder,
  readTree,
  recoverInterrupted,
  type TreeChanges,
  TreeWriter,
  WriteRefusedError,
  writerFs,
  writeTrees,
  writeTreesAsync,
} from './writer.js';
