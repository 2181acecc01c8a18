package config

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/staffvoice/staffvoice/crawler"
)

// lines joins a document's lines, so that a case's line numbers can be
// read off its position in the list.
func lines(l ...string) []byte {
	return []byte(strings.Join(l, "\n") + "\n")
}

// problems returns every *Error in err, in order.
func problems(t *testing.T, err error) []*Error {
	t.Helper()
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var errs []*Error
		for _, e := range joined.Unwrap() {
			errs = append(errs, problems(t, e)...)
		}
		return errs
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	return []*Error{e}
}

func exprs(res []*regexp.Regexp) []string {
	var s []string
	for _, re := range res {
		s = append(s, re.String())
	}
	return s
}

func TestExample(t *testing.T) {
	path := filepath.Join("..", "staffvoice.example.toml")
	cfg, err := Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}

	if got, want := cfg.Path, path; got != want {
		t.Errorf("Path = %q, want %q", got, want)
	}
	if got, want := cfg.Archive, filepath.Join("..", "archive"); got != want {
		t.Errorf("Archive = %q, want %q (relative to the file's directory)", got, want)
	}
	if got, want := cfg.UserAgent, "staffvoice/1.0 (+https://example.org/contact)"; got != want {
		t.Errorf("UserAgent = %q, want %q", got, want)
	}
	defaults := crawler.Limits{
		Delay:       2 * time.Second,
		RandomDelay: time.Second,
		Parallelism: 1,
		Timeout:     30 * time.Second,
		MaxBody:     10_000_000,
		MaxPages:    500,
		MaxDepth:    3,
		Retries:     3,
	}
	if cfg.Defaults != defaults {
		t.Errorf("Defaults = %+v, want %+v", cfg.Defaults, defaults)
	}
	if got := len(cfg.Sites); got != 2 {
		t.Fatalf("%d sites, want 2", got)
	}

	nerima, ok := cfg.Site("nerima")
	if !ok {
		t.Fatal(`Site("nerima") not found`)
	}
	if got, want := nerima.Municipality, "練馬区"; got != want {
		t.Errorf("nerima Municipality = %q, want %q", got, want)
	}
	if got, want := nerima.Seeds, []string{"https://www.city.nerima.tokyo.jp/kusei/saiyo/"}; !slices.Equal(got, want) {
		t.Errorf("nerima Seeds = %q, want %q", got, want)
	}
	if got, want := nerima.AllowedDomains, []string{"www.city.nerima.tokyo.jp"}; !slices.Equal(got, want) {
		t.Errorf("nerima AllowedDomains = %q, want %q", got, want)
	}
	if got, want := exprs(nerima.Follow), []string{`^https://www\.city\.nerima\.tokyo\.jp/kusei/saiyo/`}; !slices.Equal(got, want) {
		t.Errorf("nerima Follow = %q, want %q", got, want)
	}
	if got, want := exprs(nerima.Pages), []string{`/saiyo/.*koe`, `職員の声`}; !slices.Equal(got, want) {
		t.Errorf("nerima Pages = %q, want %q", got, want)
	}
	if !nerima.Pages[1].MatchString("先輩職員の声") {
		t.Errorf("nerima Pages[1] %q does not match 先輩職員の声", nerima.Pages[1])
	}
	if got, want := nerima.Schedule, "0 6 * * 1"; got != want {
		t.Errorf("nerima Schedule = %q, want %q", got, want)
	}
	if got, want := nerima.Jitter, 5*time.Minute; got != want {
		t.Errorf("nerima Jitter = %v, want %v", got, want)
	}
	if cfg.Timezone != "Asia/Tokyo" || cfg.Grace != 30*time.Second || cfg.LockWait != 10*time.Minute {
		t.Errorf("Timezone %q, Grace %v, LockWait %v; want the documented defaults", cfg.Timezone, cfg.Grace, cfg.LockWait)
	}
	if nerima.Limits != defaults {
		t.Errorf("nerima Limits = %+v, want the defaults %+v", nerima.Limits, defaults)
	}

	example := cfg.Sites[1]
	if got, want := example.Name, "example"; got != want {
		t.Errorf("Sites[1].Name = %q, want %q", got, want)
	}
	if got, want := example.AllowedDomains, []string{"www.city.example.lg.jp"}; !slices.Equal(got, want) {
		t.Errorf("example AllowedDomains = %q, want the seeds' hosts %q", got, want)
	}
	want := defaults
	want.Delay = 5 * time.Second
	want.MaxPages = 100
	if example.Limits != want {
		t.Errorf("example Limits = %+v, want %+v (the site's delay and max_pages over the defaults)", example.Limits, want)
	}
	if example.Schedule != "" {
		t.Errorf("example Schedule = %q, want empty", example.Schedule)
	}

	if _, ok := cfg.Site("nope"); ok {
		t.Error(`Site("nope") found, want not found`)
	}
}

func TestDefaults(t *testing.T) {
	cfg, err := Parse("staffvoice.toml", lines(
		"[[sites]]",
		"name = 'a'",
		"seeds = ['https://A.example.jp/x', 'http://b.example.jp/', 'https://a.example.jp/y']",
	))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Archive, "archive"; got != want {
		t.Errorf("Archive = %q, want %q", got, want)
	}
	if got, want := cfg.UserAgent, DefaultUserAgent; got != want {
		t.Errorf("UserAgent = %q, want %q", got, want)
	}
	if got, want := cfg.Defaults, crawler.DefaultLimits(); got != want {
		t.Errorf("Defaults = %+v, want crawler.DefaultLimits() %+v", got, want)
	}
	s := cfg.Sites[0]
	if got, want := s.Limits, crawler.DefaultLimits(); got != want {
		t.Errorf("site Limits = %+v, want crawler.DefaultLimits() %+v", got, want)
	}
	if got, want := s.AllowedDomains, []string{"a.example.jp", "b.example.jp"}; !slices.Equal(got, want) {
		t.Errorf("AllowedDomains = %q, want the distinct lowercased seed hosts %q", got, want)
	}
}

// TestPrecedence checks each level of site, then [defaults], then
// crawler.DefaultLimits(), and that a site's value does not leak to the
// next site.
func TestPrecedence(t *testing.T) {
	cfg, err := Parse("staffvoice.toml", lines(
		"[defaults]",
		"delay = '0'",
		"max_body = 2048",
		"retries = 0",
		"[[sites]]",
		"name = 'a'",
		"seeds = ['https://a.example.jp/']",
		"delay = '750ms'",
		"max_body = '1 KiB'",
		"parallelism = 4",
		"[[sites]]",
		"name = 'b'",
		"seeds = ['https://b.example.jp/']",
	))
	if err != nil {
		t.Fatal(err)
	}
	defaults := crawler.DefaultLimits()
	defaults.Delay = 0
	defaults.MaxBody = 2048
	defaults.Retries = 0
	if cfg.Defaults != defaults {
		t.Errorf("Defaults = %+v, want %+v", cfg.Defaults, defaults)
	}
	a := defaults
	a.Delay = 750 * time.Millisecond
	a.MaxBody = 1024
	a.Parallelism = 4
	if got := cfg.Sites[0].Limits; got != a {
		t.Errorf("site a Limits = %+v, want %+v", got, a)
	}
	if got := cfg.Sites[1].Limits; got != defaults {
		t.Errorf("site b Limits = %+v, want the defaults %+v", got, defaults)
	}
}

func TestNoSites(t *testing.T) {
	for _, doc := range []string{"", "archive = 'x'\n", "sites = []\n"} {
		cfg, err := Parse("staffvoice.toml", []byte(doc))
		if err != nil {
			t.Errorf("Parse(%q): %v", doc, err)
			continue
		}
		if len(cfg.Sites) != 0 {
			t.Errorf("Parse(%q): %d sites, want 0", doc, len(cfg.Sites))
		}
	}
}

func TestInlineSites(t *testing.T) {
	cfg, err := Parse("staffvoice.toml", lines(
		"sites = [",
		"  {name = 'a', seeds = ['https://a.example.jp/'], max_depth = 0},",
		"]",
	))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Sites[0].Limits.MaxDepth; got != 0 {
		t.Errorf("MaxDepth = %d, want 0", got)
	}
}

func TestLoadArchivePath(t *testing.T) {
	dir := t.TempDir()
	abs := filepath.Join(dir, "elsewhere")
	tests := []struct {
		doc  string
		want string
	}{
		{"", filepath.Join(dir, "archive")},
		{"archive = 'data/archive'\n", filepath.Join(dir, "data", "archive")},
		{"archive = '" + abs + "'\n", abs},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, "staffvoice.toml")
		if err := os.WriteFile(path, []byte(tt.doc), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path)
		if err != nil {
			t.Fatalf("Load with %q: %v", tt.doc, err)
		}
		if cfg.Archive != tt.want {
			t.Errorf("with %q: Archive = %q, want %q", tt.doc, cfg.Archive, tt.want)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "staffvoice.toml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load of a missing file: %v, want fs.ErrNotExist", err)
	}
	var e *Error
	if errors.As(err, &e) {
		t.Errorf("Load of a missing file gave *Error %v, want an os error", e)
	}
}

func TestBadConfig(t *testing.T) {
	tests := []struct {
		name string
		doc  []byte
		key  string
		line int
		msg  string // the whole message after "staffvoice.toml:line: key: "
	}{
		{
			name: "unknown top-level key",
			doc:  lines("archive = 'a'", "user_agnet = 'x'"),
			key:  "user_agnet", line: 2,
			msg: `unknown key (did you mean "user_agent"?)`,
		},
		{
			name: "unknown key in defaults",
			doc:  lines("[defaults]", "delay = '2s'", "delai = '3s'"),
			key:  "defaults.delai", line: 3,
			msg: `unknown key (did you mean "delay"?)`,
		},
		{
			name: "unknown key after a byte order mark, with CRLF line ends",
			doc:  []byte("\ufeffarchive = 'a'\r\n[defaults]\r\ndelai = '1s'\r\n"),
			key:  "defaults.delai", line: 3,
			msg: `unknown key (did you mean "delay"?)`,
		},
		{
			name: "unknown key in a site",
			doc: lines(
				"[[sites]]",
				"name = 'a'",
				"seeds = ['https://a.example.jp/']",
				"[[sites]]",
				"name = 'b'",
				"seed = ['https://b.example.jp/']",
			),
			key: "sites[1].seed", line: 6,
			msg: `unknown key (did you mean "seeds"?)`,
		},
		{
			name: "unknown key in an inline site",
			doc:  lines("sites = [", "  {name = 'a', colour = 'red'},", "]"),
			key:  "sites[0].colour", line: 2,
			msg: "unknown key",
		},
		{
			name: "unknown table",
			doc:  lines("archive = 'a'", "", "[default]", "delay = '2s'"),
			key:  "default", line: 3,
			msg: `unknown table (did you mean "defaults"?)`,
		},
		{
			name: "bad regex",
			doc: lines(
				"[[sites]]",
				"name = 'a'",
				"seeds = ['https://a.example.jp/']",
				"follow = [",
				"  '^https://a\\.example\\.jp/',",
				"  '^https://a\\.example\\.jp/(saiyo',",
				"]",
			),
			key: "sites[0].follow[1]", line: 6,
			msg: "bad regular expression: missing closing ): `^https://a\\.example\\.jp/(saiyo`",
		},
		{
			name: "bad regex in pages",
			doc: lines(
				"[[sites]]",
				"name = 'a'",
				"seeds = ['https://a.example.jp/']",
				"pages = ['職員の声', '*koe']",
			),
			key: "sites[0].pages[1]", line: 4,
			msg: "bad regular expression: missing argument to repetition operator: `*`",
		},
		{
			name: "bad duration",
			doc:  lines("[defaults]", "delay = '2 seconds'"),
			key:  "defaults.delay", line: 2,
			msg: `bad duration "2 seconds": write a number and a unit such as "2s", "500ms" or "1m30s"`,
		},
		{
			name: "duration without unit",
			doc:  lines("[defaults]", "timeout = '30'"),
			key:  "defaults.timeout", line: 2,
			msg: `bad duration "30": write a number and a unit such as "2s", "500ms" or "1m30s"`,
		},
		{
			name: "negative duration",
			doc:  lines("[defaults]", "random_delay = '-1s'"),
			key:  "defaults.random_delay", line: 2,
			msg: "must not be negative, got -1s",
		},
		{
			name: "zero timeout",
			doc:  lines("[defaults]", "timeout = '0'"),
			key:  "defaults.timeout", line: 2,
			msg: "must be greater than zero",
		},
		{
			name: "bad size",
			doc:  lines("[defaults]", "max_body = '10XB'"),
			key:  "defaults.max_body", line: 2,
			msg: `bad size "10XB": write a whole number of bytes, or one with a unit: B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024)`,
		},
		{
			name: "zero size",
			doc:  lines("[defaults]", "max_body = 0"),
			key:  "defaults.max_body", line: 2,
			msg: "must be greater than zero, got 0",
		},
		{
			name: "reserved site name",
			doc:  lines("[[sites]]", "name = 'all'", "seeds = ['https://www.city.example.lg.jp/']"),
			key:  "sites[0].name", line: 2,
			msg: `"all" is reserved: the Atom feed of every site is all.atom`,
		},
		{
			name: "size too big to hold",
			doc:  lines("[defaults]", "max_body = 9223372036854775807"),
			key:  "defaults.max_body", line: 2,
			msg: "must be at most 1GiB (a body is held in memory whole), got 9223372036854775807 bytes",
		},
		{
			name: "size of the wrong type",
			doc:  lines("[defaults]", "max_body = 1.5"),
			key:  "defaults.max_body", line: 2,
			msg: `must be a size such as "10MB" or a number of bytes, not a float`,
		},
		{
			name: "string where an integer is expected",
			doc:  lines("[defaults]", "parallelism = '2'"),
			key:  "defaults.parallelism", line: 2,
			msg: "must be an integer, not a string",
		},
		{
			name: "integer where a duration is expected",
			doc: lines(
				"[[sites]]",
				"name = 'a'",
				"seeds = ['https://a.example.jp/']",
				"delay = 2",
			),
			key: "sites[0].delay", line: 4,
			msg: `must be a duration string such as "2s", not an integer`,
		},
		{
			name: "integer in an array of strings",
			doc: lines(
				"[[sites]]",
				"name = 'a'",
				"seeds = ['https://a.example.jp/', 3]",
			),
			key: "sites[0].seeds[1]", line: 3,
			msg: "must be a string, not an integer",
		},
		{
			name: "array in an array of strings",
			doc: lines(
				"[[sites]]",
				"name = 'a'",
				"seeds = [['https://a.example.jp/']]",
			),
			key: "sites[0].seeds", line: 3,
			msg: "must be an array of strings",
		},
		{
			name: "table where an array of tables is expected",
			doc:  lines("[sites]", "name = 'a'", "seeds = ['https://a.example.jp/']"),
			key:  "sites", line: 1,
			msg: "must be an array of tables: write [[sites]], not [sites]",
		},
		{
			name: "array of tables where a table is expected",
			doc:  lines("[[defaults]]", "delay = '2s'"),
			key:  "defaults", line: 1,
			msg: "must be a table, not an array of tables",
		},
		{
			name: "syntax error",
			doc:  lines("archive = 'a'", "[defaults", "delay = '2s'"),
			key:  "", line: 2,
			msg: "expected ']' to close table name",
		},
		{
			name: "key defined twice",
			doc:  lines("archive = 'a'", "archive = 'b'"),
			key:  "archive", line: 2,
			msg: "key archive is already defined",
		},
		{
			name: "no seeds",
			doc:  lines("archive = 'a'", "[[sites]]", "name = 'a'", "follow = ['x']"),
			key:  "sites[0].seeds", line: 2,
			msg: "missing: a site needs at least one seed URL",
		},
		{
			name: "empty seeds",
			doc:  lines("[[sites]]", "name = 'a'", "seeds = []"),
			key:  "sites[0].seeds", line: 3,
			msg: "must list at least one URL",
		},
		{
			name: "relative seed",
			doc:  lines("[[sites]]", "name = 'a'", "seeds = ['www.city.nerima.tokyo.jp/kusei/']"),
			key:  "sites[0].seeds[0]", line: 3,
			msg: `"www.city.nerima.tokyo.jp/kusei/" is not an absolute http or https URL`,
		},
		{
			name: "seed outside allowed_domains",
			doc: lines(
				"[[sites]]",
				"name = 'a'",
				"seeds = [",
				"  'https://a.example.jp/',",
				"  'https://B.example.jp/saiyo/',",
				"]",
				"allowed_domains = ['a.example.jp']",
			),
			key: "sites[0].seeds[1]", line: 5,
			msg: `host "b.example.jp" is not in allowed_domains`,
		},
		{
			name: "allowed domain with a scheme",
			doc: lines(
				"[[sites]]",
				"name = 'a'",
				"seeds = ['https://a.example.jp/']",
				"allowed_domains = ['https://a.example.jp']",
			),
			key: "sites[0].allowed_domains[0]", line: 4,
			msg: `"https://a.example.jp" is not a host name: write it without scheme, port or path, e.g. "www.city.nerima.tokyo.jp"`,
		},
		{
			name: "duplicate name",
			doc: lines(
				"[[sites]]",
				"name = 'nerima'",
				"seeds = ['https://a.example.jp/']",
				"",
				"[[sites]]",
				"name = 'nerima'",
				"seeds = ['https://b.example.jp/']",
			),
			key: "sites[1].name", line: 6,
			msg: `duplicate site name "nerima" (also at line 2)`,
		},
		{
			name: "bad name",
			doc:  lines("[[sites]]", "name = 'Nerima Ward'", "seeds = ['https://a.example.jp/']"),
			key:  "sites[0].name", line: 2,
			msg: `"Nerima Ward" is not a valid name: use lowercase letters, digits, '-' and '_', starting with a letter or digit`,
		},
		{
			name: "missing name",
			doc:  lines("[[sites]]", "municipality = '練馬区'", "seeds = ['https://a.example.jp/']"),
			key:  "sites[0].name", line: 1,
			msg: "missing: every site needs a name",
		},
		{
			name: "empty site",
			doc: lines(
				"[[sites]]",
				"name = 'a'",
				"seeds = ['https://a.example.jp/']",
				"[[sites]]",
			),
			key: "sites[1]", line: 4,
			msg: "empty site: a site needs at least a name and seeds",
		},
		{
			name: "parallelism 0",
			doc:  lines("[defaults]", "parallelism = 0"),
			key:  "defaults.parallelism", line: 2,
			msg: "must be at least 1, got 0",
		},
		{
			name: "negative max_depth in a site",
			doc: lines(
				"[[sites]]",
				"name = 'a'",
				"seeds = ['https://a.example.jp/']",
				"max_depth = -1",
			),
			key: "sites[0].max_depth", line: 4,
			msg: "must be at least 0, got -1",
		},
		{
			name: "too many retries",
			doc:  lines("[defaults]", "retries = 11"),
			key:  "defaults.retries", line: 2,
			msg: "must be between 0 and 10, got 11",
		},
		{
			name: "empty user agent",
			doc:  lines("user_agent = ''"),
			key:  "user_agent", line: 1,
			msg: "must not be empty",
		},
		{
			name: "schedule with four fields",
			doc:  lines("[[sites]]", "name = 'a'", "seeds = ['https://a.example.jp/']", "schedule = '0 6 * *'"),
			key:  "sites[0].schedule", line: 4,
			msg: `bad schedule "0 6 * *": expected exactly 5 fields, found 4: [0 6 * *]; ` + scheduleHint,
		},
		{
			name: "schedule with a seconds field",
			doc:  lines("[[sites]]", "name = 'a'", "seeds = ['https://a.example.jp/']", "schedule = '0 0 6 * * 1'"),
			key:  "sites[0].schedule", line: 4,
			msg: `bad schedule "0 0 6 * * 1": expected exactly 5 fields, found 6: [0 0 6 * * 1]; ` + scheduleHint,
		},
		{
			name: "schedule with an unknown descriptor",
			doc:  lines("[[sites]]", "name = 'a'", "seeds = ['https://a.example.jp/']", "schedule = '@fortnightly'"),
			key:  "sites[0].schedule", line: 4,
			msg: `bad schedule "@fortnightly": unrecognized descriptor: @fortnightly; ` + scheduleHint,
		},
		{
			name: "schedule with a bad every",
			doc:  lines("[[sites]]", "name = 'a'", "seeds = ['https://a.example.jp/']", "schedule = '@every 6 hours'"),
			key:  "sites[0].schedule", line: 4,
			msg: `bad schedule "@every 6 hours": failed to parse duration @every 6 hours: time: unknown unit " hours" in duration "6 hours"; ` + scheduleHint,
		},
		{
			name: "schedule in an unknown zone",
			doc:  lines("[[sites]]", "name = 'a'", "seeds = ['https://a.example.jp/']", "schedule = 'CRON_TZ=Mars/Olympus 0 6 * * *'"),
			key:  "sites[0].schedule", line: 4,
			msg: `bad schedule "CRON_TZ=Mars/Olympus 0 6 * * *": provided bad location Mars/Olympus: unknown time zone Mars/Olympus; ` + scheduleHint,
		},
		{
			name: "unknown timezone",
			doc:  lines("archive = 'a'", "timezone = 'Asia/Tokio'"),
			key:  "timezone", line: 2,
			msg: `unknown time zone "Asia/Tokio": write an IANA zone name such as "Asia/Tokyo" or "UTC"`,
		},
		{
			name: "empty timezone",
			doc:  lines("timezone = ''"),
			key:  "timezone", line: 1,
			msg: `must not be empty: write an IANA zone name such as "Asia/Tokyo" or "UTC"`,
		},
		{
			name: "negative grace",
			doc:  lines("grace = '-1s'"),
			key:  "grace", line: 1,
			msg: "must not be negative, got -1s",
		},
		{
			name: "lock_wait without a unit",
			doc:  lines("lock_wait = '10'"),
			key:  "lock_wait", line: 1,
			msg: `bad duration "10": write a number and a unit such as "2s", "500ms" or "1m30s"`,
		},
		{
			name: "lock_wait as a number",
			doc:  lines("lock_wait = 600"),
			key:  "lock_wait", line: 1,
			msg: `must be a duration string such as "2s", not an integer`,
		},
		{
			name: "bad jitter",
			doc:  lines("[[sites]]", "name = 'a'", "seeds = ['https://a.example.jp/']", "jitter = 'a while'"),
			key:  "sites[0].jitter", line: 4,
			msg: `bad duration "a while": write a number and a unit such as "2s", "500ms" or "1m30s"`,
		},
		{
			name: "misspelt notify key",
			doc:  lines("[notify]", "webhook_ulr = 'https://hooks.example.org/'"),
			key:  "notify.webhook_ulr", line: 2,
			msg: `unknown key (did you mean "webhook_url"?)`,
		},
		{
			name: "misspelt key in a site's notify",
			doc:  lines("[[sites]]", "name = 'a'", "seeds = ['https://a.example.jp/']", "[sites.notify]", "comand = ['x']"),
			key:  "sites[0].notify.comand", line: 5,
			msg: `unknown key (did you mean "command"?)`,
		},
		{
			name: "relative webhook URL",
			doc:  lines("[notify]", "webhook_url = 'hooks.example.org/x'"),
			key:  "notify.webhook_url", line: 2,
			msg: `"hooks.example.org/x" is not an absolute http or https URL`,
		},
		{
			name: "secret and secret env",
			doc: lines(
				"[notify]",
				"webhook_url = 'https://hooks.example.org/'",
				"webhook_secret = 's'",
				"webhook_secret_env = 'SECRET'",
			),
			key: "notify.webhook_secret_env", line: 4,
			msg: "set webhook_secret or webhook_secret_env, not both",
		},
		{
			name: "bad secret env name",
			doc:  lines("[notify]", "webhook_url = 'https://hooks.example.org/'", "webhook_secret_env = '$SECRET'"),
			key:  "notify.webhook_secret_env", line: 3,
			msg: `"$SECRET" is not an environment variable name`,
		},
		{
			name: "secret without a webhook in a site",
			doc:  lines("[[sites]]", "name = 'a'", "seeds = ['https://a.example.jp/']", "[sites.notify]", "webhook_secret_env = 'SECRET'"),
			key:  "sites[0].notify.webhook_secret_env", line: 5,
			msg: "a secret without webhook_url signs nothing: set webhook_url too",
		},
		{
			name: "command with an empty program",
			doc:  lines("[notify]", "command = ['', '--flag']"),
			key:  "notify.command[0]", line: 2,
			msg: "must name the program to run",
		},
		{
			name: "command as a string",
			doc:  lines("[notify]", "command = '/usr/local/bin/on-change'"),
			key:  "notify.command", line: 2,
			msg: "must be an array of strings, not a string",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("staffvoice.toml", tt.doc)
			if err == nil {
				t.Fatalf("Parse gave %+v, want an error", cfg)
			}
			errs := problems(t, err)
			if len(errs) != 1 {
				t.Fatalf("%d errors, want 1:\n%v", len(errs), err)
			}
			e := errs[0]
			if e.File != "staffvoice.toml" || e.Key != tt.key || e.Line != tt.line || e.Msg != tt.msg {
				t.Errorf("got  %s:%d key %q: %s\nwant %s:%d key %q: %s",
					e.File, e.Line, e.Key, e.Msg, "staffvoice.toml", tt.line, tt.key, tt.msg)
			}
		})
	}
}

// scheduleHint ends every bad schedule message.
const scheduleHint = `write five fields (minute hour day-of-month month day-of-week) such as "0 6 * * 1", or "@daily", "@every 6h", optionally after "CRON_TZ=Asia/Tokyo "`

func TestSchedulerKeys(t *testing.T) {
	cfg, err := Parse("staffvoice.toml", lines(
		"timezone = 'UTC'",
		"grace = '5s'",
		"lock_wait = '0s'",
		"[notify]",
		"webhook_url = 'https://hooks.example.org/staffvoice'",
		"webhook_secret_env = 'STAFFVOICE_WEBHOOK_SECRET'",
		"command = ['/usr/local/bin/on-change', '--flag']",
		"[[sites]]",
		"name = 'a'",
		"seeds = ['https://a.example.jp/']",
		"schedule = 'CRON_TZ=Asia/Tokyo 0 6 * * 1'",
		"jitter = '5m'",
		"[sites.notify]",
		"webhook_url = 'http://127.0.0.1:8080/hook'",
		"webhook_secret = 'hunter2'",
		"[[sites]]",
		"name = 'b'",
		"seeds = ['https://b.example.jp/']",
		"schedule = '@every 6h'",
		"[[sites]]",
		"name = 'c'",
		"seeds = ['https://c.example.jp/']",
		"schedule = '@daily'",
		"[sites.notify]",
	))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Timezone != "UTC" || cfg.Location != time.UTC {
		t.Errorf("Timezone %q, Location %v; want UTC", cfg.Timezone, cfg.Location)
	}
	if cfg.Grace != 5*time.Second || cfg.LockWait != 0 {
		t.Errorf("Grace %v, LockWait %v; want 5s and 0s", cfg.Grace, cfg.LockWait)
	}
	global := Notify{
		WebhookURL:       "https://hooks.example.org/staffvoice",
		WebhookSecretEnv: "STAFFVOICE_WEBHOOK_SECRET",
		Command:          []string{"/usr/local/bin/on-change", "--flag"},
	}
	if !reflect.DeepEqual(cfg.Notify, global) {
		t.Errorf("Notify = %+v, want %+v", cfg.Notify, global)
	}
	a, b, c := cfg.Sites[0], cfg.Sites[1], cfg.Sites[2]
	if a.Schedule != "CRON_TZ=Asia/Tokyo 0 6 * * 1" || a.Jitter != 5*time.Minute {
		t.Errorf("site a: schedule %q, jitter %v", a.Schedule, a.Jitter)
	}
	if b.Schedule != "@every 6h" || b.Jitter != 0 {
		t.Errorf("site b: schedule %q, jitter %v; want @every 6h and none", b.Schedule, b.Jitter)
	}
	own := Notify{WebhookURL: "http://127.0.0.1:8080/hook", WebhookSecret: "hunter2"}
	if got := cfg.NotifyFor(a); !reflect.DeepEqual(got, own) {
		t.Errorf("NotifyFor(a) = %+v, want its own table %+v", got, own)
	}
	if got := cfg.NotifyFor(b); !reflect.DeepEqual(got, global) {
		t.Errorf("NotifyFor(b) = %+v, want [notify] %+v", got, global)
	}
	if got := cfg.NotifyFor(c); !reflect.DeepEqual(got, Notify{}) {
		t.Errorf("NotifyFor(c) = %+v, want none: an empty [sites.notify] turns notifications off", got)
	}
}

func TestSchedulerDefaults(t *testing.T) {
	cfg, err := Parse("staffvoice.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Timezone != "Asia/Tokyo" || cfg.Location == nil || cfg.Location.String() != "Asia/Tokyo" {
		t.Errorf("Timezone %q, Location %v; want Asia/Tokyo", cfg.Timezone, cfg.Location)
	}
	if cfg.Grace != 30*time.Second || cfg.LockWait != 10*time.Minute {
		t.Errorf("Grace %v, LockWait %v; want 30s and 10m", cfg.Grace, cfg.LockWait)
	}
	if !reflect.DeepEqual(cfg.Notify, Notify{}) {
		t.Errorf("Notify = %+v, want none", cfg.Notify)
	}
}

func TestNotifyLogValueHidesSecret(t *testing.T) {
	var buf strings.Builder
	slog.New(slog.NewTextHandler(&buf, nil)).Info("notify", "notify", Notify{WebhookURL: "https://h.example/", WebhookSecret: "hunter2"})
	if strings.Contains(buf.String(), "hunter2") {
		t.Errorf("log line shows the secret: %s", buf.String())
	}
	if !strings.Contains(buf.String(), "notify.webhook_secret_set=true") {
		t.Errorf("log line does not say a secret is set: %s", buf.String())
	}
}

func TestSeveralProblems(t *testing.T) {
	_, err := Parse("staffvoice.toml", lines(
		"[[sites]]",
		"name = 'a'",
		"seeds = ['https://a.example.jp/']",
		"follow = ['(']",
		"[defaults]",
		"delay = 'soon'",
	))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("errors.As(%v, *Error) failed", err)
	}
	want := "staffvoice.toml:4: sites[0].follow[0]: bad regular expression: missing closing ): `(`\n" +
		`staffvoice.toml:6: defaults.delay: bad duration "soon": write a number and a unit such as "2s", "500ms" or "1m30s"`
	if got := err.Error(); got != want {
		t.Errorf("error:\n%s\nwant (in line order):\n%s", got, want)
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{File: "staffvoice.toml", Line: 12, Key: "sites[1].follow[0]", Msg: "bad regular expression: x"},
			"staffvoice.toml:12: sites[1].follow[0]: bad regular expression: x"},
		{Error{File: "staffvoice.toml", Key: "defaults.delay", Msg: "m"}, "staffvoice.toml: defaults.delay: m"},
		{Error{File: "staffvoice.toml", Line: 3, Msg: "expected ']'"}, "staffvoice.toml:3: expected ']'"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // 0: an error
	}{
		{"10MB", 10_000_000},
		{"512KB", 512_000},
		{"1GB", 1_000_000_000},
		{"10MiB", 10 << 20},
		{"500kB", 500_000},
		{"1024", 1024},
		{"1024B", 1024},
		{"10 MB", 10_000_000},
		{"10mb", 10_000_000},
		{"1gib", 1 << 30},
		{"64 KiB", 64 << 10},
		{" 7 ", 7},
		{"", 0},
		{"MB", 0},
		{"10XB", 0},
		{"10 M B", 0},
		{"-1MB", 0},
		{"1.5MB", 0},
		{"0", 0},
		{"0MB", 0},
		{"99999999999GB", 0},
		{"99999999999999999999", 0},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		switch {
		case tt.want == 0 && err == nil:
			t.Errorf("parseSize(%q) = %d, want an error", tt.in, got)
		case tt.want != 0 && err != nil:
			t.Errorf("parseSize(%q): %v, want %d", tt.in, err, tt.want)
		case got != tt.want:
			t.Errorf("parseSize(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		parent, key, want string
	}{
		{"", "archiv", "archive"},
		{"defaults", "max_page", "max_pages"},
		{"sites[3]", "allowed_domain", "allowed_domains"},
		{"sites[3]", "randomdelay", "random_delay"},
		{"defaults", "name", ""}, // a site key, not a defaults key
		{"", "zzz", ""},
	}
	for _, tt := range tests {
		if got := suggest(tt.key, knownKeys(tt.parent)); got != tt.want {
			t.Errorf("suggest(%q) under %q = %q, want %q", tt.key, tt.parent, got, tt.want)
		}
	}
}

func ExampleParse() {
	_, err := Parse("staffvoice.toml", []byte(`
[defaults]
delai = "2s"
`))
	var e *Error
	if errors.As(err, &e) {
		fmt.Println(e.Line, e.Key)
		fmt.Println(err)
	}
	// Output:
	// 3 defaults.delai
	// staffvoice.toml:3: defaults.delai: unknown key (did you mean "delay"?)
}
