/** Persistent volume claims of StatefulSets. */
export function volumeClaim(name: string, size: string, storageClass?: string) {
  return {
    metadata: {
      name,
      labels: { 'app.kubernetes.io/part-of': 'thanos', 'app.kubernetes.io/managed-by': 'thanos-gitops' },
    },
    spec: {
      accessModes: ['ReadWriteOnce' as const],
      ...(storageClass ? { storageClassName: storageClass } : {}),
      resources: { requests: { storage: size } },
    },
  };
}
