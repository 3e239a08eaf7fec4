/**
 * The output side: the crash-safe writer of `clusters/`, the generated-file header, the layout of `clusters/`,
 * file-system errors, and one encoder per text format values are written into. It loads neither the schema, the
 * validators nor the Kubernetes models, so the command finds out at little more than the cost of starting Node that
 * nothing needs rendering.
 */

export * from './encode/index.js';
export { isSystemError, systemErrorLine } from './fs-errors.js';
export {
  GENERATED_MARK,
  GENERATED_MARKDOWN_MARK,
  generatedHeader,
  generatedMarkdownHeader,
  isGenerated,
} from './header.js';
export { environmentName, KUSTOMIZATION_FILE, RESERVED_CLUSTERS_FOLDERS, YAML_FILE } from './layout.js';
export {
  acquireLock,
  compareTree,
  type EnvironmentTree,
  existingEnvironments,
  handWrittenExtras,
  InterruptedError,
  LOCK_FILE,
  leftovers,
  lockHolder,
  OWNED_INDEX,
  ownedIndexText,
  ownedPaths,
  readTree,
  recoverInterrupted,
  type TreeChanges,
  TreeWriter,
  WriteRefusedError,
  writerFs,
  writeTrees,
  writeTreesAsync,
} from './writer.js';
