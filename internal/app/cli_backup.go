// SPDX-License-Identifier: AGPL-3.0-or-later

package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"embargo/internal/clock"
	"embargo/internal/store"
)

type backupFlags struct {
	out string
}

// backupCommand writes a consistent snapshot of the whole database to one
// file, while the server keeps running.
var backupCommand = &command{
	name:    "backup",
	summary: "write a consistent snapshot of the whole database to one compressed file",
	keys:    storageKeys,
	flags: func(fs *flag.FlagSet) any {
		f := &backupFlags{}
		fs.StringVar(&f.out, "out", "", "the file to write (mode 0600, replaced only once complete), or - for standard output (required)")
		return f
	},
	run: runBackup,
}

func runBackup(ctx context.Context, env *cliEnv) error {
	f := env.flags.(*backupFlags)
	if err := noArgs(env); err != nil {
		return err
	}
	if f.out == "" {
		return usagef("--out is required: a file name, or - for standard output")
	}
	s, err := openMigrated(ctx, env)
	if err != nil {
		return err
	}
	defer s.Close()
	now := clock.Millis(clock.Real{}.Now())
	var info *store.BackupInfo
	write := func(w io.Writer) error {
		var err error
		info, err = s.Backup(ctx, w, now)
		return err
	}
	if f.out == "-" {
		if err := write(env.stdout); err != nil {
			return err
		}
		// stdout carries the backup itself.
		fmt.Fprintf(env.stderr, "backup written to standard output: %s\n", describeBackup(info))
		return nil
	}
	if err := writeFileAtomic(f.out, write); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "backup written to %s: %s\n", f.out, describeBackup(info))
	return nil
}

func describeBackup(info *store.BackupInfo) string {
	return fmt.Sprintf("%d rows in %d tables (%s, schema version %d, taken %s)", info.Rows, info.Tables, info.Engine,
		info.SchemaVersion, clock.FromMillis(info.CreatedAt).Format(time.RFC3339))
}

// writeFileAtomic writes path through path+".tmp" and renames it into
// place, so a crash or a full disk never leaves a partial file under the
// final name and an older backup there is replaced only by a complete one.
// The file is created with mode 0600: a backup holds password hashes and
// embargoed reports.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	tmp := path + ".tmp"
	// A leftover from an interrupted run is ours to replace; O_EXCL below
	// then guarantees a fresh file with our mode, not a symlink's target.
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove stale %s: %w", tmp, err)
	}
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create backup file: %w", err)
	}
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write backup file: %w", err)
	}
	closed = true
	if err := f.Close(); err != nil {
		return fmt.Errorf("write backup file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("move the backup into place: %w", err)
	}
	// Make the rename itself durable; not every file system can sync a
	// directory, and the data is already safe, so a failure is ignored.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// restoreCommand loads a backup into a new, empty database.
var restoreCommand = &command{
	name:    "restore",
	summary: "load a backup into a new, empty database (SQLite or PostgreSQL, whichever made it)",
	usage:   " FILE",
	keys:    storageKeys,
	run:     runRestore,
}

func runRestore(ctx context.Context, env *cliEnv) error {
	switch {
	case len(env.args) == 0:
		return usagef("missing FILE: the backup to restore, or - for standard input")
	case len(env.args) > 1:
		// The flag package stops at the first argument, so flags after
		// FILE would otherwise be ignored silently.
		return usagef("unexpected argument %q after FILE; put flags before FILE", env.args[1])
	}
	name := env.args[0]
	var r io.Reader = env.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("open backup: %w", err)
		}
		defer f.Close()
		r = f
	} else {
		name = "standard input"
	}
	s, err := openMigrated(ctx, env)
	if err != nil {
		return err
	}
	defer s.Close()
	info, err := s.Restore(ctx, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "restored %s from %s\n", describeBackup(info), name)
	// The restore copied the chain verbatim; checking it now tells the
	// operator at once whether the backup's log was intact.
	n, head, err := verifyAuditLog(ctx, s)
	if err != nil {
		return fmt.Errorf("the data is restored, but %w", err)
	}
	fmt.Fprintf(env.stdout, "audit log verified: %s\n", describeChain(n, head))
	return nil
}
