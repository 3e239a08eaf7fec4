/** What both importers take besides the input. */
export interface ImportSource {
  /** The input's text (a values file, or one or more YAML documents of manifests). */
  text: string;
  /** Where it came from, for located messages (`-` for stdin). */
  file: string;
}

export interface ImportOptions {
  /** The environment's name; default: derived from the input (the namespace, or the release). */
  name?: string;
  /** The namespace the old deployment runs in (Bitnami: the release's; manifests: read from the objects). */
  namespace?: string;
  /** The Helm release name (Bitnami: the prefix of every object's name). */
  release?: string;
}
