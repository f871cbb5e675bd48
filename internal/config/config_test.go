// SPDX-License-Identifier: AGPL-3.0-or-later

package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testKey = "0123456789abcdef0123456789abcdef"

func envFunc(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// parsed returns a flag set with the given options bound (all if none)
// and args parsed.
func parsed(t *testing.T, args []string, keys ...string) *flag.FlagSet {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	Bind(fs, keys...)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("Parse(%q): %v", args, err)
	}
	return fs
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(parsed(t, nil), nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	wantData, err := filepath.Abs("./embargo-data")
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         wantData,
		LogLevel:        "info",
		LogFormat:       "text",
		ShutdownTimeout: 15 * time.Second,

		ReportRatePerAddress: 10,
		ReportRatePerProject: 60,
		InvitationTTL:        168 * time.Hour,
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Load() mismatch (-want +got):\n%s", diff)
	}
	if got, want := c.DatabaseURL(), filepath.Join(wantData, "embargo.db"); got != want {
		t.Errorf("DatabaseURL() = %q, want %q", got, want)
	}
	if c.IsPostgres() {
		t.Error("IsPostgres() = true for the default")
	}
	if got, want := c.EffectiveBaseURL(), "http://127.0.0.1:8080"; got != want {
		t.Errorf("EffectiveBaseURL() = %q, want %q", got, want)
	}
}

func TestLoadPrecedence(t *testing.T) {
	cfgFile := writeFile(t, "embargo.conf", "EMBARGO_ADDR=127.0.0.1:3\n")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"default", nil, nil, "127.0.0.1:8080"},
		{"file over default", []string{"-config", cfgFile}, nil, "127.0.0.1:3"},
		{"file named by env", nil, map[string]string{"EMBARGO_CONFIG": cfgFile}, "127.0.0.1:3"},
		{"env over file", []string{"-config", cfgFile}, map[string]string{"EMBARGO_ADDR": "127.0.0.1:2"}, "127.0.0.1:2"},
		{"flag over env", []string{"-config", cfgFile, "-addr", "127.0.0.1:1"}, map[string]string{"EMBARGO_ADDR": "127.0.0.1:2"}, "127.0.0.1:1"},
		{"empty env is unset", []string{"-config", cfgFile}, map[string]string{"EMBARGO_ADDR": ""}, "127.0.0.1:3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(parsed(t, tt.args), envFunc(tt.env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.Addr != tt.want {
				t.Errorf("Addr = %q, want %q", c.Addr, tt.want)
			}
		})
	}
}

// TestLoadUnsetFlagDoesNotOverride guards against treating a registered
// flag's default as if it had been given on the command line.
func TestLoadUnsetFlagDoesNotOverride(t *testing.T) {
	c, err := Load(parsed(t, nil, KeyAddr), envFunc(map[string]string{"EMBARGO_ADDR": ":9000"}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c.Addr != ":9000" {
		t.Errorf("Addr = %q, want the environment's %q", c.Addr, ":9000")
	}
}

func TestLoadAllSettings(t *testing.T) {
	dir := t.TempDir()
	args := []string{
		"-addr", "[::1]:9443",
		"-data", dir,
		"-database", "postgres://embargo:pw@db.example/embargo?sslmode=disable",
		"-base-url", "https://embargo.example.org/",
		"-log-level", "DEBUG",
		"-log-format", "json",
		"-trust-proxy",
		"-shutdown-timeout", "1m30s",
		"-report-rate-per-address", "5",
		"-report-rate-per-project", "1000",
		"-metrics-addr", "127.0.0.1:9090",
		"-invitation-ttl", "72h",
	}
	tokenFile := writeFile(t, "metrics-token", "scrape-0123456789abcdef\n")
	c, err := Load(parsed(t, args), envFunc(map[string]string{"EMBARGO_SECRET_KEY": testKey, "EMBARGO_METRICS_TOKEN_FILE": tokenFile}))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := &Config{
		Addr:            "[::1]:9443",
		DataDir:         dir,
		Database:        "postgres://embargo:pw@db.example/embargo?sslmode=disable",
		BaseURL:         "https://embargo.example.org/",
		LogLevel:        "debug",
		LogFormat:       "json",
		SecretKey:       testKey,
		TrustProxy:      true,
		ShutdownTimeout: 90 * time.Second,

		ReportRatePerAddress: 5,
		ReportRatePerProject: 1000,
		MetricsAddr:          "127.0.0.1:9090",
		MetricsToken:         "scrape-0123456789abcdef",
		InvitationTTL:        72 * time.Hour,
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Load() mismatch (-want +got):\n%s", diff)
	}
	if !c.IsPostgres() || c.DatabaseURL() != want.Database {
		t.Errorf("IsPostgres() = %v, DatabaseURL() = %q; want true, %q", c.IsPostgres(), c.DatabaseURL(), want.Database)
	}
	if got, want := c.EffectiveBaseURL(), "https://embargo.example.org"; got != want {
		t.Errorf("EffectiveBaseURL() = %q, want %q", got, want)
	}
}

func TestLoadValidation(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
	}{
		{"addr without port", nil, map[string]string{"EMBARGO_ADDR": "x"}, `config: EMBARGO_ADDR: invalid address "x"`},
		{"addr bad port", []string{"-addr", "localhost:http"}, nil, `config: flag -addr: invalid address "localhost:http": port must be a number`},
		{"addr port too large", nil, map[string]string{"EMBARGO_ADDR": ":70000"}, "port must be a number from 0 to 65535"},
		{"empty data dir flag", []string{"-data", ""}, nil, "config: flag -data: data directory must not be empty"},
		{"database typo", nil, map[string]string{"EMBARGO_DATABASE": "postgress://x/y"}, `config: EMBARGO_DATABASE: unsupported database "postgress://x/y"`},
		{"database bare path", nil, map[string]string{"EMBARGO_DATABASE": "/var/lib/embargo.db"}, "unsupported database"},
		{"sqlite query", nil, map[string]string{"EMBARGO_DATABASE": "file:x.db?mode=ro"}, "query parameters are not supported"},
		{"sqlite empty path", nil, map[string]string{"EMBARGO_DATABASE": "sqlite://"}, "empty path"},
		{"base url relative", nil, map[string]string{"EMBARGO_BASE_URL": "embargo.example"}, `config: EMBARGO_BASE_URL: invalid base URL "embargo.example": must start with http:// or https://`},
		{"base url ftp", nil, map[string]string{"EMBARGO_BASE_URL": "ftp://example.org"}, "must start with http:// or https://"},
		{"base url query", nil, map[string]string{"EMBARGO_BASE_URL": "https://example.org/?a=b"}, "must not contain credentials, a query or a fragment"},
		{"log level", nil, map[string]string{"EMBARGO_LOG_LEVEL": "verbose"}, `config: EMBARGO_LOG_LEVEL: invalid value "verbose": want one of debug, info, warn, error`},
		{"log format", []string{"-log-format", "xml"}, nil, "config: flag -log-format: invalid value \"xml\""},
		{"trust proxy", nil, map[string]string{"EMBARGO_TRUST_PROXY": "maybe"}, `config: EMBARGO_TRUST_PROXY: invalid boolean "maybe"`},
		{"timeout unit", nil, map[string]string{"EMBARGO_SHUTDOWN_TIMEOUT": "15"}, `config: EMBARGO_SHUTDOWN_TIMEOUT: invalid duration "15"`},
		{"timeout negative", nil, map[string]string{"EMBARGO_SHUTDOWN_TIMEOUT": "-1s"}, "must be positive"},
		{"address rate not a number", nil, map[string]string{"EMBARGO_REPORT_RATE_PER_ADDRESS": "ten"}, `config: EMBARGO_REPORT_RATE_PER_ADDRESS: invalid number "ten"`},
		{"address rate zero", nil, map[string]string{"EMBARGO_REPORT_RATE_PER_ADDRESS": "0"}, "must be positive"},
		{"project rate negative", []string{"-report-rate-per-project", "-5"}, nil, `config: flag -report-rate-per-project: invalid number "-5": must be positive`},
		{"project rate fraction", nil, map[string]string{"EMBARGO_REPORT_RATE_PER_PROJECT": "1.5"}, `invalid number "1.5"`},
		{"metrics addr without port", []string{"-metrics-addr", "localhost"}, nil, `config: flag -metrics-addr: invalid address "localhost"`},
		{"metrics token short", nil, map[string]string{"EMBARGO_METRICS_TOKEN": "abc"}, "config: EMBARGO_METRICS_TOKEN: metrics token must be at least 16 characters"},
		{"metrics token with space", nil, map[string]string{"EMBARGO_METRICS_TOKEN": "abcdefgh ijklmnopq"}, "must not contain spaces"},
		{"secret key short", nil, map[string]string{"EMBARGO_SECRET_KEY": "hunter2"}, "config: EMBARGO_SECRET_KEY: secret key is 7 characters, want at least 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(parsed(t, tt.args), envFunc(tt.env))
			if err == nil {
				t.Fatalf("Load succeeded, want error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Load error = %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadReportsEveryError(t *testing.T) {
	_, err := Load(parsed(t, nil), envFunc(map[string]string{
		"EMBARGO_ADDR":      "x",
		"EMBARGO_LOG_LEVEL": "loud",
	}))
	if err == nil {
		t.Fatal("Load succeeded, want errors")
	}
	for _, want := range []string{"EMBARGO_ADDR", "EMBARGO_LOG_LEVEL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Load error = %q, want it to mention %s", err, want)
		}
	}
}

func TestLoadErrorsDoNotLeakSecrets(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		secret string
	}{
		{"short secret key", map[string]string{"EMBARGO_SECRET_KEY": "s3cr3t-value"}, "s3cr3t-value"},
		{"database password", map[string]string{"EMBARGO_DATABASE": "mysql://root:s3cr3t-value@db/x"}, "s3cr3t-value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(parsed(t, nil), envFunc(tt.env))
			if err == nil {
				t.Fatal("Load succeeded, want error")
			}
			if strings.Contains(err.Error(), tt.secret) {
				t.Errorf("Load error %q reveals the secret", err)
			}
		})
	}
}

func TestLoadSecretFromFile(t *testing.T) {
	keyFile := writeFile(t, "key", testKey+"\n")
	otherKey := strings.Repeat("z", 40)
	otherFile := writeFile(t, "other", otherKey+"\r\n")
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		conf    string
		want    string
		wantErr string
	}{
		{name: "env _FILE trims newline", env: map[string]string{"EMBARGO_SECRET_KEY_FILE": keyFile}, want: testKey},
		{name: "flag file", args: []string{"-secret-key-file", otherFile}, env: map[string]string{"EMBARGO_SECRET_KEY": testKey}, want: otherKey},
		{name: "config file _FILE", conf: "EMBARGO_SECRET_KEY_FILE=" + keyFile, want: testKey},
		{name: "env _FILE over config file value", env: map[string]string{"EMBARGO_SECRET_KEY_FILE": otherFile}, conf: "EMBARGO_SECRET_KEY=" + testKey, want: otherKey},
		{name: "both in env", env: map[string]string{"EMBARGO_SECRET_KEY": testKey, "EMBARGO_SECRET_KEY_FILE": keyFile}, wantErr: "config: EMBARGO_SECRET_KEY_FILE: conflicts with EMBARGO_SECRET_KEY: set only one"},
		{name: "both in config file", conf: "EMBARGO_SECRET_KEY=" + testKey + "\nEMBARGO_SECRET_KEY_FILE=" + keyFile, wantErr: ":2: EMBARGO_SECRET_KEY_FILE: conflicts with"},
		{name: "missing file", env: map[string]string{"EMBARGO_SECRET_KEY_FILE": filepath.Join(t.TempDir(), "nope")}, wantErr: "config: EMBARGO_SECRET_KEY_FILE: read secret:"},
		{name: "short key in file", env: map[string]string{"EMBARGO_SECRET_KEY_FILE": writeFile(t, "short", "abc\n")}, wantErr: "config: EMBARGO_SECRET_KEY_FILE: secret key is 3 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.conf != "" {
				args = append([]string{"-config", writeFile(t, "embargo.conf", tt.conf)}, args...)
			}
			c, err := Load(parsed(t, args), envFunc(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if c.SecretKey != tt.want {
				t.Errorf("SecretKey = %q, want %q", c.SecretKey, tt.want)
			}
		})
	}
}

func TestBindSecretHasNoValueFlag(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	Bind(fs)
	if fs.Lookup("secret-key") != nil {
		t.Error("a -secret-key flag exists; secrets must not be accepted on the command line")
	}
	if fs.Lookup("secret-key-file") == nil {
		t.Error("no -secret-key-file flag")
	}
}

func TestBindSubset(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	Bind(fs, KeyConfig, KeyData, KeyDatabase)
	var got []string
	fs.VisitAll(func(f *flag.Flag) { got = append(got, f.Name) })
	if diff := cmp.Diff([]string{"config", "data", "database"}, got); diff != "" {
		t.Errorf("registered flags mismatch (-want +got):\n%s", diff)
	}
	if got := fs.Lookup("data").DefValue; got != "./embargo-data" {
		t.Errorf("-data default = %q, want ./embargo-data", got)
	}
}

func TestBindUnknownKeyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Bind with an unknown key did not panic")
		}
	}()
	Bind(flag.NewFlagSet("test", flag.ContinueOnError), "no-such-option")
}

func TestLoadBeforeParse(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	Bind(fs)
	if _, err := Load(fs, nil); err == nil {
		t.Error("Load on an unparsed flag set succeeded")
	}
}

func TestLoadIgnoresForeignFlags(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	Bind(fs, KeyAddr)
	fs.String("email", "", "subcommand flag")
	if err := fs.Parse([]string{"-email", "a@example.org"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(fs, nil); err != nil {
		t.Errorf("Load: %v", err)
	}
}

func TestParseFileContent(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    map[string]fileEntry
		wantErr string
	}{
		{
			name: "comments, blanks, spaces and quotes",
			content: "\uFEFF# Embargo\n\n  EMBARGO_ADDR = :9000  \r\n" +
				"EMBARGO_BASE_URL=\"https://e.example\"\n" +
				"EMBARGO_LOG_LEVEL='warn'\n" +
				"EMBARGO_SECRET_KEY=a#b=c\n",
			want: map[string]fileEntry{
				"EMBARGO_ADDR":       {":9000", 3},
				"EMBARGO_BASE_URL":   {"https://e.example", 4},
				"EMBARGO_LOG_LEVEL":  {"warn", 5},
				"EMBARGO_SECRET_KEY": {"a#b=c", 6},
			},
		},
		{name: "empty", content: "", want: map[string]fileEntry{}},
		{name: "missing equals", content: "# ok\nEMBARGO_ADDR :9000\n", wantErr: `test.conf:2: want KEY=VALUE, got "EMBARGO_ADDR :9000"`},
		{name: "unknown key", content: "EMBARGO_ADDR=:1\n\nEMBARGO_ADRR=:2\n", wantErr: `test.conf:3: unknown setting "EMBARGO_ADRR"`},
		{name: "file variant of non-secret", content: "EMBARGO_ADDR_FILE=/x\n", wantErr: `test.conf:1: unknown setting "EMBARGO_ADDR_FILE"`},
		{name: "duplicate", content: "EMBARGO_ADDR=:1\nEMBARGO_ADDR=:2\n", wantErr: "test.conf:2: EMBARGO_ADDR already set on line 1"},
		{name: "nested config", content: "EMBARGO_CONFIG=/etc/other\n", wantErr: "test.conf:1: EMBARGO_CONFIG cannot be set inside a config file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFileContent("test.conf", tt.content)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseFileContent: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(fileEntry{})); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadConfigFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		conf    string
		wantErr string
	}{
		{"bad line", "EMBARGO_ADDR=:1\nnonsense\n", ":2: want KEY=VALUE"},
		{"invalid value names file and line", "\nEMBARGO_LOG_FORMAT=yaml\n", `:2: EMBARGO_LOG_FORMAT: invalid value "yaml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, "embargo.conf", tt.conf)
			_, err := Load(parsed(t, []string{"-config", p}), nil)
			if err == nil || !strings.Contains(err.Error(), p+tt.wantErr) {
				t.Fatalf("Load error = %v, want it to contain %q", err, p+tt.wantErr)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "missing.conf")
		_, err := Load(parsed(t, nil), envFunc(map[string]string{"EMBARGO_CONFIG": p}))
		if err == nil || !strings.Contains(err.Error(), "config: read config file:") {
			t.Fatalf("Load error = %v, want a read error", err)
		}
	})
}

func TestDatabaseURL(t *testing.T) {
	dataDir := t.TempDir()
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		database     string
		want         string
		wantPostgres bool
	}{
		{"default", "", filepath.Join(dataDir, "embargo.db"), false},
		{"postgres", "postgres://u:p@h:5432/db", "postgres://u:p@h:5432/db", true},
		{"postgresql", "postgresql://h/db?sslmode=require", "postgresql://h/db?sslmode=require", true},
		{"postgres upper case scheme", "POSTGRES://h/db", "POSTGRES://h/db", true},
		{"sqlite absolute", "sqlite:///srv/embargo/e.db", "/srv/embargo/e.db", false},
		{"sqlite relative", "sqlite://db/e.db", filepath.Join(cwd, "db/e.db"), false},
		{"file relative", "file:e.db", filepath.Join(cwd, "e.db"), false},
		{"file url", "file:///srv/e.db", "/srv/e.db", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"EMBARGO_DATA": dataDir, "EMBARGO_DATABASE": tt.database}
			c, err := Load(nil, envFunc(env))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := c.DatabaseURL(); got != tt.want {
				t.Errorf("DatabaseURL() = %q, want %q", got, tt.want)
			}
			if got := c.IsPostgres(); got != tt.wantPostgres {
				t.Errorf("IsPostgres() = %v, want %v", got, tt.wantPostgres)
			}
		})
	}
}

func TestEffectiveBaseURL(t *testing.T) {
	tests := []struct {
		name, addr, baseURL, want string
	}{
		{"configured", ":8080", "https://e.example/embargo/", "https://e.example/embargo"},
		{"from addr", "127.0.0.1:8080", "", "http://127.0.0.1:8080"},
		{"empty host", ":8080", "", "http://localhost:8080"},
		{"ipv4 wildcard", "0.0.0.0:80", "", "http://localhost:80"},
		{"ipv6 wildcard", "[::]:80", "", "http://localhost:80"},
		{"ipv6", "[::1]:8080", "", "http://[::1]:8080"},
		{"hostname", "embargo.lan:8080", "", "http://embargo.lan:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Config{Addr: tt.addr, BaseURL: tt.baseURL}
			if got := c.EffectiveBaseURL(); got != tt.want {
				t.Errorf("EffectiveBaseURL() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDump(t *testing.T) {
	c := &Config{
		ConfigFile:      "/etc/embargo.conf",
		Addr:            ":8080",
		DataDir:         "/var/lib/embargo",
		Database:        "postgres://embargo:hunter2@db/embargo",
		LogLevel:        "info",
		LogFormat:       "json",
		SecretKey:       testKey,
		TrustProxy:      true,
		ShutdownTimeout: 15 * time.Second,

		ReportRatePerAddress: 10,
		ReportRatePerProject: 60,
		MetricsAddr:          "127.0.0.1:9090",
		MetricsToken:         "scrape-0123456789abcdef",
		InvitationTTL:        168 * time.Hour,
	}
	want := []string{
		"EMBARGO_CONFIG=/etc/embargo.conf",
		"EMBARGO_ADDR=:8080",
		"EMBARGO_DATA=/var/lib/embargo",
		"EMBARGO_DATABASE=postgres://embargo:xxxxx@db/embargo",
		"EMBARGO_BASE_URL=",
		"EMBARGO_LOG_LEVEL=info",
		"EMBARGO_LOG_FORMAT=json",
		"EMBARGO_SECRET_KEY=********",
		"EMBARGO_TRUST_PROXY=true",
		"EMBARGO_SHUTDOWN_TIMEOUT=15s",
		"EMBARGO_REPORT_RATE_PER_ADDRESS=10",
		"EMBARGO_REPORT_RATE_PER_PROJECT=60",
		"EMBARGO_METRICS_ADDR=127.0.0.1:9090",
		"EMBARGO_METRICS_TOKEN=********",
		"EMBARGO_INVITATION_TTL=168h0m0s",
	}
	if diff := cmp.Diff(want, c.Dump()); diff != "" {
		t.Errorf("Dump() mismatch (-want +got):\n%s", diff)
	}

	c.SecretKey = ""
	for _, line := range c.Dump() {
		if strings.HasPrefix(line, "EMBARGO_SECRET_KEY=") && line != "EMBARGO_SECRET_KEY=" {
			t.Errorf("unset secret dumped as %q, want an empty value", line)
		}
	}
}

// TestDumpRoundTrip checks that Dump output of non-secret settings is a
// valid config file that reproduces the configuration.
func TestDumpRoundTrip(t *testing.T) {
	orig, err := Load(parsed(t, []string{"-addr", ":9999", "-log-format", "json", "-data", t.TempDir()}), nil)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range orig.Dump() {
		if !strings.HasPrefix(l, "EMBARGO_CONFIG=") {
			lines = append(lines, l)
		}
	}
	p := writeFile(t, "dump.conf", strings.Join(lines, "\n")+"\n")
	got, err := Load(parsed(t, []string{"-config", p}), nil)
	if err != nil {
		t.Fatalf("Load(dump): %v", err)
	}
	got.ConfigFile = ""
	if diff := cmp.Diff(orig, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestOptionsTable(t *testing.T) {
	for _, o := range Options() {
		t.Run(o.Key, func(t *testing.T) {
			if o.Usage == "" || o.Validate == nil || o.set == nil || o.get == nil {
				t.Errorf("option %q is missing usage, validation or accessors", o.Key)
			}
			if err := o.Validate(o.Default); err != nil {
				t.Errorf("default %q is invalid: %v", o.Default, err)
			}
			if o.Secret && o.Default != "" {
				t.Error("secret option has a default")
			}
		})
	}
}

func TestSlogLevel(t *testing.T) {
	for _, lvl := range []string{"debug", "info", "warn", "error"} {
		t.Run(lvl, func(t *testing.T) {
			c := &Config{LogLevel: lvl}
			if got := strings.ToLower(c.SlogLevel().String()); got != lvl {
				t.Errorf("SlogLevel() = %s, want %s", got, lvl)
			}
		})
	}
}
