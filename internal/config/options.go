// SPDX-License-Identifier: AGPL-3.0-or-later

package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Option keys, for Bind and for looking options up in Options. A key is
// also the option's flag name, except for secret options (see
// Option.Flag).
const (
	KeyConfig          = "config"
	KeyAddr            = "addr"
	KeyData            = "data"
	KeyDatabase        = "database"
	KeyBaseURL         = "base-url"
	KeyLogLevel        = "log-level"
	KeyLogFormat       = "log-format"
	KeySecretKey       = "secret-key"
	KeyTrustProxy      = "trust-proxy"
	KeyShutdownTimeout = "shutdown-timeout"

	KeyReportRatePerAddress = "report-rate-per-address"
	KeyReportRatePerProject = "report-rate-per-project"

	KeyMetricsAddr   = "metrics-addr"
	KeyMetricsToken  = "metrics-token"
	KeyInvitationTTL = "invitation-ttl"
)

// envPrefix namespaces every environment variable, so that Embargo never
// picks up an unrelated variable such as ADDR or DATABASE_URL.
const envPrefix = "EMBARGO_"

// fileSuffix marks the variable that names a file holding a secret
// option's value, the convention Docker and systemd credentials use.
const fileSuffix = "_FILE"

// minSecretKeyLen is the shortest accepted secret key. Thirty-two
// characters of base64 carry 192 bits, comfortably more than any key
// derived from the value will need.
const minSecretKeyLen = 32

// Option describes one configuration setting. The table returned by
// Options is the single source of truth for flags, environment variables,
// config-file keys, validation and Config.Dump.
type Option struct {
	// Key is the stable name of the option, e.g. "addr".
	Key string
	// Env is the environment variable and config-file key, e.g.
	// "EMBARGO_ADDR".
	Env string
	// Flag is the command-line flag Bind registers. It equals Key, except
	// for Secret options, where it is Key+"-file" and takes the path of a
	// file holding the value: command lines are readable by every local
	// user through /proc, so a secret is never accepted on one.
	Flag string
	// Default is the value used when no source sets the option.
	Default string
	// Usage is the one-line help text shown for the flag.
	Usage string
	// Secret options are redacted by Config.Dump and may also be given
	// as the path of a file, through Env+"_FILE" in the environment or
	// config file, or through the Flag.
	Secret bool
	// IsBool marks options whose flag may be given without a value
	// ("-trust-proxy" meaning "-trust-proxy=true").
	IsBool bool
	// Validate reports why a raw value is unacceptable, or nil. The error
	// does not name the option; Load adds that context.
	Validate func(string) error

	// set stores an already validated value into c.
	set func(c *Config, v string)
	// get formats c's value for Dump.
	get func(c *Config) string
}

// FileEnv returns the variable that names a file holding the value of a
// Secret option, e.g. "EMBARGO_SECRET_KEY_FILE", or "" for other options.
func (o Option) FileEnv() string {
	if !o.Secret {
		return ""
	}
	return o.Env + fileSuffix
}

// options is the table. Order matters: it is the order of Dump and of
// error reporting. KeyConfig comes first because it selects a source for
// all the others and cannot itself be set from the config file.
var options = []Option{
	{
		Key:      KeyConfig,
		Usage:    "read settings from this file of EMBARGO_*=value lines",
		Validate: func(string) error { return nil },
		set:      func(c *Config, v string) { c.ConfigFile = v },
		get:      func(c *Config) string { return c.ConfigFile },
	},
	{
		Key:      KeyAddr,
		Default:  "127.0.0.1:8080",
		Usage:    "listen on this host:port",
		Validate: validateAddr,
		set:      func(c *Config, v string) { c.Addr = v },
		get:      func(c *Config) string { return c.Addr },
	},
	{
		Key:      KeyData,
		Default:  "./embargo-data",
		Usage:    "directory for the SQLite database and other local state",
		Validate: validateDataDir,
		set:      func(c *Config, v string) { c.DataDir = v },
		get:      func(c *Config) string { return c.DataDir },
	},
	{
		Key:      KeyDatabase,
		Usage:    "postgres:// URL, or sqlite://PATH or file:PATH; empty for embargo.db in the data directory",
		Validate: validateDatabase,
		set:      func(c *Config, v string) { c.Database = v },
		get:      func(c *Config) string { return redactURL(c.Database) },
	},
	{
		Key:      KeyBaseURL,
		Usage:    "public http(s) URL of this instance, used in links and e-mails; empty for http://ADDR",
		Validate: validateBaseURL,
		set:      func(c *Config, v string) { c.BaseURL = v },
		get:      func(c *Config) string { return c.BaseURL },
	},
	{
		Key:      KeyLogLevel,
		Default:  "info",
		Usage:    "log level: debug, info, warn or error",
		Validate: oneOf("debug", "info", "warn", "error"),
		set:      func(c *Config, v string) { c.LogLevel = strings.ToLower(v) },
		get:      func(c *Config) string { return c.LogLevel },
	},
	{
		Key:      KeyLogFormat,
		Default:  "text",
		Usage:    "log format: text or json",
		Validate: oneOf("text", "json"),
		set:      func(c *Config, v string) { c.LogFormat = strings.ToLower(v) },
		get:      func(c *Config) string { return c.LogFormat },
	},
	{
		Key:      KeySecretKey,
		Usage:    "file holding the key that encrypts secrets at rest (at least 32 characters)",
		Secret:   true,
		Validate: validateSecretKey,
		set:      func(c *Config, v string) { c.SecretKey = v },
		get:      func(c *Config) string { return c.SecretKey },
	},
	{
		Key:      KeyTrustProxy,
		Default:  "false",
		Usage:    "trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy",
		IsBool:   true,
		Validate: validateBool,
		set: func(c *Config, v string) {
			c.TrustProxy, _ = strconv.ParseBool(v)
		},
		get: func(c *Config) string { return strconv.FormatBool(c.TrustProxy) },
	},
	{
		Key:      KeyShutdownTimeout,
		Default:  "15s",
		Usage:    "how long to let in-flight requests finish on shutdown",
		Validate: validateDuration,
		set: func(c *Config, v string) {
			c.ShutdownTimeout, _ = time.ParseDuration(v)
		},
		get: func(c *Config) string { return c.ShutdownTimeout.String() },
	},
	{
		Key:      KeyReportRatePerAddress,
		Default:  "10",
		Usage:    "reports accepted per hour from one client address (report form and API)",
		Validate: validatePositiveInt,
		set: func(c *Config, v string) {
			c.ReportRatePerAddress, _ = strconv.Atoi(v)
		},
		get: func(c *Config) string { return strconv.Itoa(c.ReportRatePerAddress) },
	},
	{
		Key:      KeyReportRatePerProject,
		Default:  "60",
		Usage:    "reports accepted per hour by one project from all senders together",
		Validate: validatePositiveInt,
		set: func(c *Config, v string) {
			c.ReportRatePerProject, _ = strconv.Atoi(v)
		},
		get: func(c *Config) string { return strconv.Itoa(c.ReportRatePerProject) },
	},
	{
		Key:   KeyMetricsAddr,
		Usage: "serve Prometheus metrics on this separate host:port; empty (the default) serves none",
		Validate: func(v string) error {
			if v == "" {
				return nil
			}
			return validateAddr(v)
		},
		set: func(c *Config, v string) { c.MetricsAddr = v },
		get: func(c *Config) string { return c.MetricsAddr },
	},
	{
		Key:      KeyMetricsToken,
		Usage:    "file holding the bearer token the metrics listener requires (at least 16 characters); unset, it requires none",
		Secret:   true,
		Validate: validateMetricsToken,
		set:      func(c *Config, v string) { c.MetricsToken = v },
		get:      func(c *Config) string { return c.MetricsToken },
	},
	{
		Key:      KeyInvitationTTL,
		Default:  "168h",
		Usage:    "how long a project invitation link stays valid",
		Validate: validateDuration,
		set: func(c *Config, v string) {
			c.InvitationTTL, _ = time.ParseDuration(v)
		},
		get: func(c *Config) string { return c.InvitationTTL.String() },
	},
}

// byKey and byEnv index the table; init derives Env and Flag so the
// naming convention cannot drift from entry to entry.
var (
	byKey = map[string]*Option{}
	byEnv = map[string]*Option{}
)

func init() {
	for i := range options {
		o := &options[i]
		o.Env = envPrefix + strings.ToUpper(strings.ReplaceAll(o.Key, "-", "_"))
		o.Flag = o.Key
		if o.Secret {
			o.Flag = o.Key + "-file"
		}
		byKey[o.Key] = o
		byEnv[o.Env] = o
	}
}

// Options returns a copy of the option table in a stable order, for help
// and documentation generators.
func Options() []Option {
	return append([]Option(nil), options...)
}

func validateAddr(v string) error {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return fmt.Errorf("invalid address %q: %w", v, err)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("invalid address %q: bad host %q", v, host)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("invalid address %q: port must be a number from 0 to 65535", v)
	}
	return nil
}

// minMetricsTokenLen keeps a scraper's token out of reach of guessing
// while still accepting the 16-byte hex or base64 tokens tools generate.
const minMetricsTokenLen = 16

func validateMetricsToken(v string) error {
	if v == "" {
		return nil
	}
	if len(v) < minMetricsTokenLen {
		return fmt.Errorf("metrics token must be at least %d characters", minMetricsTokenLen)
	}
	for _, r := range v {
		if r <= ' ' || r == 0x7f {
			return errors.New("metrics token must not contain spaces or control characters")
		}
	}
	return nil
}

func validateDataDir(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("data directory must not be empty")
	}
	return nil
}

// validateDatabase accepts only forms whose engine is unambiguous, so a
// typo such as "postgress://" fails at startup instead of quietly
// creating a SQLite file of that name.
func validateDatabase(v string) error {
	if v == "" {
		return nil
	}
	if isPostgresURL(v) {
		u, err := url.Parse(v)
		if err != nil {
			// url.Error echoes the input, which may hold a password.
			return errors.New("invalid postgres URL: cannot be parsed")
		}
		if u.Opaque != "" {
			return fmt.Errorf("invalid postgres URL %q: want postgres://[user[:password]@]host[:port]/dbname", u.Redacted())
		}
		return nil
	}
	if strings.HasPrefix(v, "sqlite:") || strings.HasPrefix(v, "file:") {
		_, err := sqlitePath(v)
		return err
	}
	return fmt.Errorf("unsupported database %q: want a postgres:// or postgresql:// URL, sqlite://PATH, file:PATH, or empty for embargo.db in the data directory", redactURL(v))
}

func isPostgresURL(v string) bool {
	lv := strings.ToLower(v)
	return strings.HasPrefix(lv, "postgres://") || strings.HasPrefix(lv, "postgresql://")
}

// sqlitePath extracts the file path from an explicit SQLite setting.
// Query parameters are refused rather than passed through: the store
// chooses SQLite's pragmas, and a path that silently contains "?mode=ro"
// would be worse than an error.
func sqlitePath(v string) (string, error) {
	var p string
	switch {
	case strings.HasPrefix(v, "sqlite://"):
		p = strings.TrimPrefix(v, "sqlite://")
	case strings.HasPrefix(v, "file://"):
		u, err := url.Parse(v)
		if err != nil {
			return "", fmt.Errorf("invalid SQLite file URL %q: %w", v, err)
		}
		if u.Host != "" && u.Host != "localhost" {
			return "", fmt.Errorf("invalid SQLite file URL %q: remote host %q is not supported", v, u.Host)
		}
		if u.RawQuery != "" {
			return "", fmt.Errorf("invalid SQLite path %q: query parameters are not supported", v)
		}
		p = u.Path
	case strings.HasPrefix(v, "file:"):
		p = strings.TrimPrefix(v, "file:")
	default:
		return "", fmt.Errorf("invalid SQLite setting %q: want sqlite://PATH or file:PATH", v)
	}
	if p == "" {
		return "", fmt.Errorf("invalid SQLite setting %q: empty path", v)
	}
	if strings.Contains(p, "?") {
		return "", fmt.Errorf("invalid SQLite path %q: query parameters are not supported", v)
	}
	return filepath.Clean(p), nil
}

func validateBaseURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil {
		return fmt.Errorf("invalid base URL %q: %w", v, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("invalid base URL %q: must start with http:// or https://", v)
	}
	if u.Host == "" {
		return fmt.Errorf("invalid base URL %q: missing host", v)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return fmt.Errorf("invalid base URL %q: must not contain credentials, a query or a fragment", v)
	}
	return nil
}

func oneOf(allowed ...string) func(string) error {
	return func(v string) error {
		for _, a := range allowed {
			if strings.EqualFold(v, a) {
				return nil
			}
		}
		return fmt.Errorf("invalid value %q: want one of %s", v, strings.Join(allowed, ", "))
	}
}

func validateSecretKey(v string) error {
	if v == "" {
		return nil
	}
	// The value is never echoed: error messages end up in logs.
	if len(v) < minSecretKeyLen {
		return fmt.Errorf("secret key is %d characters, want at least %d (generate one with: openssl rand -base64 32)", len(v), minSecretKeyLen)
	}
	return nil
}

func validateBool(v string) error {
	if _, err := strconv.ParseBool(v); err != nil {
		return fmt.Errorf("invalid boolean %q: want true or false", v)
	}
	return nil
}

// validatePositiveInt accepts a decimal integer of at least 1.
func validatePositiveInt(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("invalid number %q: want a whole number such as 60", v)
	}
	if n < 1 {
		return fmt.Errorf("invalid number %q: must be positive", v)
	}
	return nil
}

func validateDuration(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("invalid duration %q: want e.g. 15s or 1m30s", v)
	}
	if d <= 0 {
		return fmt.Errorf("invalid duration %q: must be positive", v)
	}
	return nil
}

// redactURL hides the password of a URL-shaped value; anything that is
// not a URL with credentials is returned unchanged.
func redactURL(v string) string {
	if !strings.Contains(v, "://") {
		return v
	}
	u, err := url.Parse(v)
	if err != nil {
		if strings.Contains(v, "@") {
			return "********"
		}
		return v
	}
	return u.Redacted()
}
