module thanos-gitops/tools/argo-template

go 1.26
