// SPDX-License-Identifier: AGPL-3.0-or-later

package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"

	"embargo/internal/clock"
	"embargo/internal/config"
)

// command is one subcommand of the embargo binary.
type command struct {
	name    string
	summary string
	usage   string   // arguments after the name
	keys    []string // config options the command takes; nil means none
	flags   func(fs *flag.FlagSet) any
	run     func(ctx context.Context, env *cliEnv) error
}

// cliEnv is what a command runs with.
type cliEnv struct {
	args   []string // positional arguments
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	cfg    *config.Config
	flags  any // what command.flags returned
	log    *slog.Logger
}

// storageKeys are the options of every command that touches storage.
var storageKeys = []string{config.KeyConfig, config.KeyData, config.KeyDatabase, config.KeyLogLevel, config.KeyLogFormat}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

func init() {
	register(&command{
		name:    "serve",
		summary: "run the web server (UI and API)",
		keys:    nil, // every option
		run:     runServe,
	})
	register(&command{
		name:    "migrate",
		summary: "apply pending database migrations and exit",
		keys:    storageKeys,
		run:     runMigrate,
	})
	register(&command{
		name:    "version",
		summary: "print the version",
		run: func(ctx context.Context, env *cliEnv) error {
			fmt.Fprintf(env.stdout, "embargo %s\n", Version)
			return nil
		},
	})
	register(userCreateCommand)
	register(tokenCreateCommand)
	register(auditVerifyCommand)
	register(backupCommand)
	register(restoreCommand)
	register(configDumpCommand)
}

// errUsage marks an error the user made on the command line: printed as
// one line, exit status 2.
type errUsage struct{ msg string }

func (e *errUsage) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &errUsage{msg: fmt.Sprintf(format, args...)} }

// Main runs the command line and returns the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			// "help user create" is "user create --help": keep every word.
			return Main(append(slices.Clone(args[1:]), "--help"), stdin, stdout, stderr)
		}
		printOverview(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	name, rest := args[0], args[1:]
	// Two-word commands: "user create", "token create", "audit verify",
	// "config dump". The first word alone names a group, which gets its own
	// help and errors rather than "unknown command".
	if _, ok := commands[name]; !ok {
		if subs := subcommands(name); len(subs) > 0 {
			switch {
			case len(rest) > 0 && commands[name+" "+rest[0]] != nil:
				name, rest = name+" "+rest[0], rest[1:]
			case len(rest) > 0 && (rest[0] == "-h" || rest[0] == "-help" || rest[0] == "--help"):
				fmt.Fprintf(stdout, "Usage: embargo %s SUBCOMMAND [flags]\n\nSubcommands:\n", name)
				for _, sub := range subs {
					fmt.Fprintf(stdout, "  %-16s %s\n", sub, commands[name+" "+sub].summary)
				}
				return 0
			default:
				what := "missing subcommand"
				if len(rest) > 0 {
					what = fmt.Sprintf("unknown subcommand %q", rest[0])
				}
				fmt.Fprintf(stderr, "embargo %s: %s; one of: %s (see 'embargo %s --help')\n", name, what, strings.Join(subs, ", "), name)
				return 2
			}
		}
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "embargo: unknown command %q; run 'embargo --help' for the list\n", name)
		return 2
	}
	fs := flag.NewFlagSet("embargo "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if cmd.keys == nil && cmd.name == "serve" {
		config.Bind(fs)
	} else if len(cmd.keys) > 0 {
		config.Bind(fs, cmd.keys...)
	}
	var extra any
	if cmd.flags != nil {
		extra = cmd.flags(fs)
	}
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printCommandHelp(stdout, cmd, fs)
			return 0
		}
		fmt.Fprintf(stderr, "embargo %s: %v (see 'embargo %s --help')\n", cmd.name, err, cmd.name)
		return 2
	}
	env := &cliEnv{args: fs.Args(), stdin: stdin, stdout: stdout, stderr: stderr, flags: extra}
	if cmd.keys != nil || cmd.name == "serve" {
		cfg, err := config.Load(fs, os.Getenv)
		if err != nil {
			fmt.Fprintf(stderr, "embargo %s: %s\n", cmd.name, oneLine(err.Error()))
			return 2
		}
		env.cfg = cfg
		env.log = newLogger(cfg, stderr)
	} else {
		env.log = slog.New(slog.NewTextHandler(stderr, nil))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, env); err != nil {
		fmt.Fprintf(stderr, "embargo %s: %s\n", cmd.name, oneLine(err.Error()))
		var u *errUsage
		if errors.As(err, &u) {
			return 2
		}
		return 1
	}
	return 0
}

// subcommands returns the second words of the two-word commands whose
// first word is group, sorted.
func subcommands(group string) []string {
	var subs []string
	for n := range commands {
		if g, sub, ok := strings.Cut(n, " "); ok && g == group {
			subs = append(subs, sub)
		}
	}
	sort.Strings(subs)
	return subs
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.SlogLevel()}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func printOverview(w io.Writer) {
	fmt.Fprintln(w, "Embargo: a self-hosted vulnerability response desk.")
	fmt.Fprintln(w, "\nUsage: embargo COMMAND [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-16s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'embargo COMMAND --help' for a command's flags. Every flag can also be set")
	fmt.Fprintln(w, "with an EMBARGO_* environment variable (e.g. --data is EMBARGO_DATA).")
}

func printCommandHelp(w io.Writer, cmd *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: embargo %s [flags]%s\n\n%s\n", cmd.name, cmd.usage, capitalize(cmd.summary)+".")
	has := false
	fs.VisitAll(func(*flag.Flag) { has = true })
	if has {
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func runServe(ctx context.Context, env *cliEnv) error {
	if len(env.args) > 0 {
		return usagef("unexpected argument %q", env.args[0])
	}
	a, err := New(ctx, env.cfg, env.log, clock.Real{})
	if err != nil {
		return err
	}
	defer a.Close()
	return a.Serve(ctx, nil)
}

func runMigrate(ctx context.Context, env *cliEnv) error {
	s, err := OpenStore(ctx, env.cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	applied, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	warnLookalikes(ctx, s, env.log)
	if len(applied) == 0 {
		fmt.Fprintf(env.stdout, "database is up to date (schema version %d)\n", s.LatestSchemaVersion())
		return nil
	}
	fmt.Fprintf(env.stdout, "applied migrations %v; schema version %d\n", applied, s.LatestSchemaVersion())
	return nil
}
