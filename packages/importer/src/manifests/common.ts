import { at, isPlain, type K8sObject } from './objects.js';

export function replicasOf(o: K8sObject): number {
  const replicas = at(o, 'spec', 'replicas');
  return typeof replicas === 'number' ? replicas : 1;
}

/** The data claim template of a StatefulSet (`data`, else the first). */
export function claimOf(o: K8sObject): { name: string; storage?: string; storageClass?: string } | undefined {
  const templates = at(o, 'spec', 'volumeClaimTemplates');
  if (!Array.isArray(templates) || templates.length === 0) return undefined;
  const claim = templates.find((t) => at(t, 'metadata', 'name') === 'data') ?? templates[0];
  if (!isPlain(claim)) return undefined;
  const storage = at(claim, 'spec', 'resources', 'requests', 'storage');
  const storageClass = at(claim, 'spec', 'storageClassName');
  return {
    name: String(at(claim, 'metadata', 'name')),
    storage: storage === undefined ? undefined : String(storage),
    storageClass: typeof storageClass === 'string' ? storageClass : undefined,
  };
}
