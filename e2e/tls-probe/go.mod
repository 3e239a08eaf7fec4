module thanos-gitops/e2e/tls-probe

go 1.26
