/** Kubernetes' name limits: the schema bounds names by them, and the rules check the names derived from them. */

/** Kubernetes' limit for a StatefulSet name: its pods' controller-revision-hash label must fit in 63 characters. */
export const STATEFULSET_NAME_MAX = 52;
/** Kubernetes' limit for names that become DNS labels (Services, Deployments' pods). */
export const DNS_LABEL_MAX = 63;
