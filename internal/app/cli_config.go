// SPDX-License-Identifier: AGPL-3.0-or-later

package app

import (
	"context"
	"fmt"

	"embargo/internal/config"
)

// configDumpCommand shows what serve would run with, given the same flags,
// environment and config file; secrets are redacted so the output can go
// into a bug report.
var configDumpCommand = &command{
	name:    "config dump",
	summary: "print the effective configuration as EMBARGO_* lines, secrets redacted",
	keys:    allOptionKeys(),
	run:     runConfigDump,
}

func runConfigDump(ctx context.Context, env *cliEnv) error {
	if err := noArgs(env); err != nil {
		return err
	}
	for _, line := range env.cfg.Dump() {
		fmt.Fprintln(env.stdout, line)
	}
	return nil
}

// allOptionKeys lists every configuration option, so config dump accepts
// the same flags as serve.
func allOptionKeys() []string {
	opts := config.Options()
	keys := make([]string, len(opts))
	for i, o := range opts {
		keys[i] = o.Key
	}
	return keys
}
