// SPDX-License-Identifier: AGPL-3.0-or-later

// Package config resolves Embargo's settings from command-line flags,
// environment variables, an optional config file and built-in defaults.
//
// Every setting is one row of the table returned by Options. A setting
// with key "base-url" is, by convention:
//
//   - the flag -base-url (registered only if the command asks for it
//     with Bind, so each subcommand shows just the flags it honours);
//   - the environment variable EMBARGO_BASE_URL;
//   - the line EMBARGO_BASE_URL=... in the config file.
//
// Secret settings (today only secret-key) are never taken from the
// command line, which every local user can read through /proc. They come
// from EMBARGO_SECRET_KEY, from a file named by EMBARGO_SECRET_KEY_FILE
// (environment or config file), or from a file named by the flag
// -secret-key-file. Values read from a file lose their trailing newline.
//
// The config file is named by -config or EMBARGO_CONFIG. It holds
// KEY=VALUE lines using the environment variable names; blank lines and
// lines starting with # are ignored, surrounding whitespace is trimmed,
// and one pair of matching surrounding quotes is removed from the value.
// Unknown or repeated keys are errors, so typos do not go unnoticed.
// Relative paths are relative to the working directory, as everywhere
// else.
//
// Precedence, highest first: a flag given on the command line, the
// environment, the config file, the default. An empty value in the
// environment or the config file counts as unset; an empty flag value
// (-base-url="") is taken as given.
//
// Typical use:
//
//	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
//	config.Bind(fs) // or config.Bind(fs, config.KeyConfig, config.KeyData, config.KeyDatabase)
//	if err := fs.Parse(args); err != nil { ... }
//	cfg, err := config.Load(fs, os.Getenv)
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// sqliteFileName is the database file used when no database is set.
const sqliteFileName = "embargo.db"

// redacted replaces the value of a set secret in Dump.
const redacted = "********"

// Config is the resolved configuration. Load returns it validated; a
// Config built by hand (in tests, say) is assumed to be valid.
type Config struct {
	// ConfigFile is the config file that was read, or "".
	ConfigFile string
	// Addr is the host:port to listen on.
	Addr string
	// DataDir is the data directory; Load makes it absolute.
	DataDir string
	// Database is the database setting as given: "", a postgres URL, or
	// an explicit SQLite path. Use DatabaseURL for the effective DSN.
	Database string
	// BaseURL is the public URL as given. Use EffectiveBaseURL.
	BaseURL string
	// LogLevel is one of debug, info, warn, error (lower case).
	LogLevel string
	// LogFormat is text or json (lower case).
	LogFormat string
	// SecretKey encrypts secrets at rest; "" when not configured.
	SecretKey string
	// TrustProxy says whether X-Forwarded-For and X-Forwarded-Proto are
	// believed. Only enable it behind a proxy that overwrites them.
	TrustProxy bool
	// ShutdownTimeout bounds graceful shutdown; always positive.
	ShutdownTimeout time.Duration
	// ReportRatePerAddress is how many reports one client address may
	// send per hour; always positive.
	ReportRatePerAddress int
	// ReportRatePerProject is how many reports one project accepts per
	// hour from all senders together; always positive.
	ReportRatePerProject int
	// MetricsAddr is the host:port of the separate Prometheus metrics
	// listener, or "" for none: the main listener never serves metrics.
	MetricsAddr string
	// MetricsToken, when set, is the bearer token the metrics listener
	// requires.
	MetricsToken string
	// InvitationTTL is how long an invitation link stays valid; always
	// positive once loaded, 0 (the default) in a hand-built Config.
	InvitationTTL time.Duration
}

// flagValue is the flag.Value for an option. It keeps the raw string so
// that Load can validate flag, environment and file values alike and name
// the source in its errors.
type flagValue struct {
	opt   *Option
	value string
}

func (v *flagValue) String() string {
	if v == nil {
		return ""
	}
	return v.value
}

func (v *flagValue) Set(s string) error {
	v.value = s
	return nil
}

// IsBoolFlag lets "-trust-proxy" stand for "-trust-proxy=true".
func (v *flagValue) IsBoolFlag() bool {
	return v != nil && v.opt != nil && v.opt.IsBool
}

// Bind registers on fs the flags of the options with the given keys, or
// of every option when no key is given. It panics on an unknown key, as
// flag does on a duplicate name: both are programming errors.
func Bind(fs *flag.FlagSet, keys ...string) {
	if len(keys) == 0 {
		for _, o := range options {
			keys = append(keys, o.Key)
		}
	}
	for _, k := range keys {
		o, ok := byKey[k]
		if !ok {
			panic(fmt.Sprintf("config: Bind: unknown option %q", k))
		}
		usage := fmt.Sprintf("%s (env %s)", o.Usage, o.Env)
		def := o.Default
		if o.Secret {
			usage = fmt.Sprintf("%s (env %s or %s)", o.Usage, o.Env, o.FileEnv())
			// The flag takes a path, so the value's default does not apply.
			def = ""
		}
		fs.Var(&flagValue{opt: o, value: def}, o.Flag, usage)
	}
}

// source is where a raw value came from, for error messages.
type source struct {
	desc  string // e.g. "EMBARGO_ADDR", "flag -addr", "embargo.conf:3: EMBARGO_ADDR"
	value string
}

// Load resolves every option and validates it. fs must have been parsed;
// only flags registered by Bind and actually given on the command line
// are consulted. fs may be nil for no flags; getenv may be nil for an
// empty environment (callers normally pass os.Getenv).
//
// All invalid options are reported together; each error names the
// option's source, e.g. `config: EMBARGO_ADDR: invalid address "x": ...`.
// Secret values are never included in errors.
func Load(fs *flag.FlagSet, getenv func(string) string) (*Config, error) {
	if fs != nil && !fs.Parsed() {
		return nil, errors.New("config: Load called before the flag set was parsed")
	}
	if getenv == nil {
		getenv = func(string) string { return "" }
	}

	flags := map[string]string{}
	if fs != nil {
		fs.Visit(func(f *flag.Flag) {
			if v, ok := f.Value.(*flagValue); ok && v.opt != nil {
				flags[v.opt.Key] = v.value
			}
		})
	}

	c := &Config{}
	var file map[string]fileEntry
	cfgOpt := byKey[KeyConfig]
	if p, ok := flags[KeyConfig]; ok {
		c.ConfigFile = p
	} else {
		c.ConfigFile = getenv(cfgOpt.Env)
	}
	if c.ConfigFile != "" {
		var err error
		file, err = parseFile(c.ConfigFile)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
	}

	var errs []error
	for i := range options {
		o := &options[i]
		if o.Key == KeyConfig {
			continue
		}
		src, err := resolve(o, flags, getenv, file, c.ConfigFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("config: %w", err))
			continue
		}
		if err := o.Validate(src.value); err != nil {
			errs = append(errs, fmt.Errorf("config: %s: %w", src.desc, err))
			continue
		}
		o.set(c, src.value)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	abs, err := filepath.Abs(c.DataDir)
	if err != nil {
		return nil, fmt.Errorf("config: data directory %q: %w", c.DataDir, err)
	}
	c.DataDir = abs
	return c, nil
}

// resolve picks the raw value of o from the highest-precedence source
// that sets it, reading secret files as needed.
func resolve(o *Option, flags map[string]string, getenv func(string) string, file map[string]fileEntry, fileName string) (source, error) {
	if v, ok := flags[o.Key]; ok {
		desc := "flag -" + o.Flag
		if !o.Secret {
			return source{desc, v}, nil
		}
		if v == "" {
			return source{desc, ""}, nil
		}
		s, err := readSecretFile(v)
		if err != nil {
			return source{}, fmt.Errorf("%s: %w", desc, err)
		}
		return source{desc, s}, nil
	}

	var envPath string
	if o.Secret {
		envPath = getenv(o.FileEnv())
	}
	if v := getenv(o.Env); v != "" || envPath != "" {
		return pickSecret(o, v, envPath, "", "")
	}

	if file != nil {
		v := file[o.Env]
		var p fileEntry
		if o.Secret {
			p = file[o.FileEnv()]
		}
		if v.value != "" || p.value != "" {
			return pickSecret(o, v.value, p.value,
				fmt.Sprintf("%s:%d: ", fileName, v.line),
				fmt.Sprintf("%s:%d: ", fileName, p.line))
		}
	}

	return source{"default for " + o.Env, o.Default}, nil
}

// pickSecret chooses between a direct value and a _FILE path given in
// the same source. Setting both is refused: which one wins would be a
// guess, and guessing wrong about a key is costly.
func pickSecret(o *Option, value, path, valuePrefix, pathPrefix string) (source, error) {
	if path == "" {
		return source{valuePrefix + o.Env, value}, nil
	}
	desc := pathPrefix + o.FileEnv()
	if value != "" {
		return source{}, fmt.Errorf("%s: conflicts with %s%s: set only one", desc, valuePrefix, o.Env)
	}
	s, err := readSecretFile(path)
	if err != nil {
		return source{}, fmt.Errorf("%s: %w", desc, err)
	}
	return source{desc, s}, nil
}

// readSecretFile returns the file's content without trailing line
// breaks, which editors and `echo` add but which are never part of a key.
func readSecretFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read secret: %w", err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// fileEntry is one KEY=VALUE line of the config file.
type fileEntry struct {
	value string
	line  int
}

// parseFile reads a config file; see the package documentation for the
// format. Errors carry the file name and line number.
func parseFile(path string) (map[string]fileEntry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config file: %w", err)
	}
	return parseFileContent(path, string(b))
}

func parseFileContent(path, content string) (map[string]fileEntry, error) {
	// A byte-order mark from a Windows editor would otherwise become part
	// of the first key.
	content = strings.TrimPrefix(content, "\uFEFF")
	entries := map[string]fileEntry{}
	for i, line := range strings.Split(content, "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want KEY=VALUE, got %q", path, n, truncate(line))
		}
		key = strings.TrimSpace(key)
		value = unquote(strings.TrimSpace(value))
		if err := checkFileKey(key); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if prev, dup := entries[key]; dup {
			return nil, fmt.Errorf("%s:%d: %s already set on line %d", path, n, key, prev.line)
		}
		entries[key] = fileEntry{value: value, line: n}
	}
	return entries, nil
}

// checkFileKey accepts the environment names of options, and the _FILE
// names of secret options.
func checkFileKey(key string) error {
	if o, ok := byEnv[key]; ok {
		if o.Key == KeyConfig {
			return fmt.Errorf("%s cannot be set inside a config file", key)
		}
		return nil
	}
	if base, ok := strings.CutSuffix(key, fileSuffix); ok {
		if o, ok := byEnv[base]; ok && o.Secret {
			return nil
		}
	}
	return fmt.Errorf("unknown setting %q", key)
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// truncate keeps error messages readable if a binary or huge file is
// passed as the config file by mistake.
func truncate(s string) string {
	const limit = 60
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}

// IsPostgres reports whether the database is PostgreSQL; otherwise it is
// SQLite.
func (c *Config) IsPostgres() bool {
	return isPostgresURL(c.Database)
}

// DatabaseURL returns the effective data source: the postgres URL
// unchanged, or the absolute path of the SQLite file, which is
// DataDir/embargo.db unless Database names another one.
func (c *Config) DatabaseURL() string {
	if c.IsPostgres() {
		return c.Database
	}
	p := filepath.Join(c.DataDir, sqliteFileName)
	if c.Database != "" {
		sp, err := sqlitePath(c.Database)
		if err != nil {
			// Only reachable with a hand-built, invalid Config.
			return c.Database
		}
		p = sp
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return p
}

// EffectiveBaseURL returns the public base URL without a trailing slash.
// When none is configured it is derived from Addr, with "localhost"
// standing in for an empty or wildcard host, which no browser can reach.
func (c *Config) EffectiveBaseURL() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return "http://" + c.Addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// SlogLevel returns LogLevel as a slog.Level, info if unrecognised.
func (c *Config) SlogLevel() slog.Level {
	switch c.LogLevel {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

// Dump returns one EMBARGO_KEY=value line per option, in table order,
// for `embargo config dump`. Set secrets appear as ********, and the
// password of a database URL is masked, so the output is safe to paste
// into a bug report.
func (c *Config) Dump() []string {
	lines := make([]string, 0, len(options))
	for _, o := range options {
		v := o.get(c)
		if o.Secret && v != "" {
			v = redacted
		}
		lines = append(lines, o.Env+"="+v)
	}
	return lines
}
