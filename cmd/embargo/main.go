// SPDX-License-Identifier: AGPL-3.0-or-later

// Command embargo is the vulnerability response desk: a web server and the
// operator commands that share its storage.
package main

import (
	"os"

	"embargo/internal/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
