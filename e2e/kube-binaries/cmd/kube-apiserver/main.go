// Entry point for a kube-apiserver built from the Go module proxy for the project's tests.
// Kubernetes does not publish kube-apiserver as an installable module (k8s.io/kubernetes
// replaces its staging modules with local paths), so build.sh wraps its command here.
package main

import (
	"os"
	_ "time/tzdata" // the API server parses time zones (CronJob validation) without the host's zoneinfo

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register" // --logging-format=json, as the release binary supports
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
