// Command vpslink sends scheduled WhatsApp messages from one account, keeps
// its state in one SQLite file and replicates that file to S3.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/vpslink/vpslink"
)

// version is stamped by the linker: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	vpslink.Version = version
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := newApp(os.Stdin, os.Stdout, os.Stderr)
	if err := a.root().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "vpslink: "+oneLine(err))
		os.Exit(1)
	}
}
