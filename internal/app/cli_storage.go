// SPDX-License-Identifier: AGPL-3.0-or-later

package app

import (
	"context"

	"embargo/internal/authz"
	"embargo/internal/store"
)

// openMigrated opens the configured database and brings its schema up to
// date, as serve does, so that every command works on a fresh data
// directory and none runs against a schema newer than it knows. Migrate is
// idempotent and takes the same locks as serve, so this is safe while a
// server runs on the same data.
func openMigrated(ctx context.Context, env *cliEnv) (*store.Store, error) {
	s, err := OpenStore(ctx, env.cfg)
	if err != nil {
		return nil, err
	}
	applied, err := s.Migrate(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	if len(applied) > 0 {
		env.log.Info("database migrated", "engine", s.Engine(), "versions", applied)
	}
	return s, nil
}

// cliActor is who the audit log names for changes made from the command
// line: the operator with shell access, not any account.
func cliActor() *authz.Actor { return &authz.Actor{Via: "cli"} }

// noArgs refuses positional arguments for commands that take none.
func noArgs(env *cliEnv) error {
	if len(env.args) > 0 {
		return usagef("unexpected argument %q", env.args[0])
	}
	return nil
}
