// SPDX-License-Identifier: AGPL-3.0-or-later

package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"embargo/internal/authz"
	"embargo/internal/clock"
	"embargo/internal/store"
)

type userCreateFlags struct {
	email, name   string
	admin         bool
	passwordStdin bool
}

// userCreateCommand creates an account from the shell: the way to make the
// first admin on a server without a browser, or to script accounts.
var userCreateCommand = &command{
	name:    "user create",
	summary: "create a user account; the password is read from standard input",
	keys:    storageKeys,
	flags: func(fs *flag.FlagSet) any {
		f := &userCreateFlags{}
		fs.StringVar(&f.email, "email", "", "the user's email address (required)")
		fs.StringVar(&f.name, "name", "", "the user's display name (required)")
		fs.BoolVar(&f.admin, "admin", false, "make the user an instance admin")
		fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from the first line of standard input (required)")
		return f
	},
	run: runUserCreate,
}

func runUserCreate(ctx context.Context, env *cliEnv) error {
	f := env.flags.(*userCreateFlags)
	if err := noArgs(env); err != nil {
		return err
	}
	switch {
	case f.email == "":
		return usagef("--email is required")
	case f.name == "":
		return usagef("--name is required")
	case !f.passwordStdin:
		// A password flag would be visible to every local user in the
		// process list, so the password only ever comes on stdin.
		return usagef("--password-stdin is required: pipe the password in, e.g. printf '%%s\\n' \"$PASSWORD\" | embargo user create --email E --name N --password-stdin")
	}
	if isTerminal(env.stdin) {
		fmt.Fprintln(env.stderr, "Reading the password from standard input (it is shown as you type; end it with Enter).")
	}
	password, err := readPassword(env.stdin)
	if err != nil {
		return err
	}
	s, err := openMigrated(ctx, env)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := authz.NewAccounts(s, clock.Real{}).CreateUser(ctx, cliActor(),
		authz.NewUser{Email: f.email, Name: f.name, Password: password, Admin: f.admin})
	if err != nil {
		return err
	}
	kind := ""
	if u.IsAdmin {
		kind = " (admin)"
	}
	fmt.Fprintf(env.stdout, "created user %s%s\n", u.Email, kind)
	return nil
}

// readPassword returns the first line of r without its line ending. It
// reads no further than that line, and the line is the password exactly:
// spaces are kept, as a passphrase may begin or end with one.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	line = strings.TrimSuffix(line, "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", errors.New("no password on standard input: pipe it in, e.g. printf '%s\\n' \"$PASSWORD\" | embargo user create ...")
	}
	return line, nil
}

// isTerminal reports whether r is a character device such as a terminal,
// so a prompt can tell a person what is being waited for.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

type tokenCreateFlags struct {
	email, name string
}

// tokenCreateCommand issues an API token for scripts and CI. Only the
// token goes to stdout, so TOKEN=$(embargo token create ...) captures it.
var tokenCreateCommand = &command{
	name:    "token create",
	summary: "create an API token for a user and print it (shown only once)",
	keys:    storageKeys,
	flags: func(fs *flag.FlagSet) any {
		f := &tokenCreateFlags{}
		fs.StringVar(&f.email, "email", "", "email address of the user the token acts as (required)")
		fs.StringVar(&f.name, "name", "", "a label for the token, e.g. \"ci\" (required)")
		return f
	},
	run: runTokenCreate,
}

func runTokenCreate(ctx context.Context, env *cliEnv) error {
	f := env.flags.(*tokenCreateFlags)
	if err := noArgs(env); err != nil {
		return err
	}
	switch {
	case f.email == "":
		return usagef("--email is required")
	case f.name == "":
		return usagef("--name is required")
	}
	s, err := openMigrated(ctx, env)
	if err != nil {
		return err
	}
	defer s.Close()
	plain, tk, err := authz.NewAccounts(s, clock.Real{}).CreateToken(ctx, cliActor(), f.email, f.name)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, plain)
	fmt.Fprintf(env.stderr, "created API token %d %q for %s; it is shown only once, so store it now\n",
		tk.ID, tk.Name, store.NormalizeEmail(f.email))
	return nil
}
