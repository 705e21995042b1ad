// Entry point for etcd built from the Go module proxy; etcdmain.Main is what etcd's own
// server binary runs. It is built in the same module as kube-apiserver, which already pins
// the etcd server version it is tested with.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
