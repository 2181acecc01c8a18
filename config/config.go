package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // timezone must not depend on the host's zoneinfo

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"github.com/robfig/cron/v3"

	"github.com/staffvoice/staffvoice/crawler"
)

// DefaultFile is the name of the configuration file commands read unless
// told otherwise.
const DefaultFile = "staffvoice.toml"

// DefaultUserAgent is sent when the file sets no user_agent.
const DefaultUserAgent = "staffvoice/1.0 (+https://github.com/staffvoice/staffvoice)"

// defaultArchive is the archive directory when the file sets no archive.
const defaultArchive = "archive"

// maxRetries bounds retries: more would hammer a failing server.
const maxRetries = 10

// Defaults of the scheduler's keys.
const (
	DefaultTimezone = "Asia/Tokyo"
	DefaultGrace    = 30 * time.Second
	DefaultLockWait = 10 * time.Minute
)

// ScheduleParser parses a site's schedule: five fields (minute hour
// day-of-month month day-of-week), a descriptor such as "@daily" or
// "@every 6h", either optionally after "CRON_TZ=<zone> ". A schedule
// without CRON_TZ= runs in the zone of the cron that holds it.
func ScheduleParser() cron.Parser {
	return cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
}

// Config is a validated configuration file with every default applied.
type Config struct {
	Path      string         // the file it was read from
	Archive   string         // archive directory; a relative one is joined to Path's directory
	UserAgent string         // User-Agent header of every request
	Defaults  crawler.Limits // the [defaults] table over crawler.DefaultLimits()
	Sites     []Site         // in file order

	Timezone string         // IANA name of Location, as written or DefaultTimezone
	Location *time.Location // the zone of schedules without CRON_TZ=
	Grace    time.Duration  // how long a running crawl may finish after SIGTERM
	LockWait time.Duration  // how long a run waits for the archive lock before skipping
	Notify   Notify         // the [notify] table; zero when absent
}

// Site is one [[sites]] entry. Its Limits are complete: the site's own
// values over Config.Defaults. AllowedDomains is never empty: when the file
// lists none it holds the seeds' hosts.
type Site struct {
	crawler.Site
	Schedule string        // as written, valid for ScheduleParser; empty: not scheduled
	Jitter   time.Duration // a scheduled run first sleeps a random time up to this
	Notify   *Notify       // the site's [sites.notify] table, which replaces [notify]; nil when absent
}

// Notify says whom to tell about changes. The zero value tells no one.
type Notify struct {
	WebhookURL string // absolute http(s) URL; empty: no webhook
	// WebhookSecret signs the webhook's body, or WebhookSecretEnv names
	// the environment variable holding the secret; at most one is set.
	// Neither may be logged: Notify's LogValue leaves them out.
	WebhookSecret    string
	WebhookSecretEnv string
	Command          []string // program and arguments; empty: no command
}

// LogValue shows whether a secret is set, never the secret.
func (n Notify) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("webhook_url", n.WebhookURL),
		slog.Bool("webhook_secret_set", n.WebhookSecret != ""),
		slog.String("webhook_secret_env", n.WebhookSecretEnv),
		slog.Any("command", n.Command),
	)
}

// NotifyFor returns the notification settings of site s: its own
// [sites.notify] table when it has one, else the file's [notify].
func (c *Config) NotifyFor(s Site) Notify {
	if s.Notify != nil {
		return *s.Notify
	}
	return c.Notify
}

// Municipalities maps each site's name to its municipality, for sites
// that name one.
func (c *Config) Municipalities() map[string]string {
	m := map[string]string{}
	for _, s := range c.Sites {
		if s.Municipality != "" {
			m[s.Name] = s.Municipality
		}
	}
	return m
}

// Site returns the site with the given name.
func (c *Config) Site(name string) (Site, bool) {
	for _, s := range c.Sites {
		if s.Name == name {
			return s, true
		}
	}
	return Site{}, false
}

// Error is a problem with a configuration file's content. Parse and Load
// return one *Error, or several joined with errors.Join in line order; use
// errors.As to find one.
type Error struct {
	File string // the file's name as given to Load or Parse
	Line int    // 1-based; 0 when unknown
	Key  string // path of the key, e.g. "defaults.delay" or "sites[1].follow[0]" (0-based indexes); empty for a syntax error
	Msg  string
}

// Error returns "file:line: key: msg", leaving out the line when it is
// unknown and the key when there is none.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads and parses the configuration file at path. A file that cannot
// be read gives the os error, wrapped (errors.Is(err, fs.ErrNotExist) holds
// for a missing file); a problem with its content gives *Error.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse parses a configuration file's content. name is the file's path:
// messages name it, and a relative archive directory is joined to its
// directory. Every problem gives *Error; see Error for how several are
// returned.
func Parse(name string, data []byte) (*Config, error) {
	// Windows editors may start the file with a byte order mark, which
	// TOML does not allow.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	pos := indexKeys(data)

	var raw rawFile
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(&raw)

	// StrictMissingError unwraps to DecodeErrors, so it is tested first.
	var unknown *toml.StrictMissingError
	var decode *toml.DecodeError
	switch {
	case errors.As(err, &unknown):
		// Only the unknown keys are reported: a misspelt key would
		// otherwise also show up as a missing one.
		var errs []*Error
		for i := range unknown.Errors {
			errs = append(errs, pos.unknownKey(name, &unknown.Errors[i]))
		}
		return nil, joinErrors(errs)
	case errors.As(err, &decode):
		return nil, pos.decodeError(name, decode)
	case err != nil:
		return nil, &Error{File: name, Msg: err.Error()}
	}

	v := validator{file: name, pos: pos}
	cfg := v.config(&raw)
	if len(v.errs) > 0 {
		return nil, joinErrors(v.errs)
	}
	return cfg, nil
}

// joinErrors returns the one error, or all of them joined in line order.
func joinErrors(errs []*Error) error {
	slices.SortStableFunc(errs, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	if len(errs) == 1 {
		return errs[0]
	}
	joined := make([]error, len(errs))
	for i, e := range errs {
		joined[i] = e
	}
	return errors.Join(joined...)
}

// The raw* types are what the TOML decoder fills. Pointers and any tell a
// key that is absent from one set to its zero value; durations and sizes
// stay strings until the validator parses them.

type rawFile struct {
	Archive   *string    `toml:"archive"`
	UserAgent *string    `toml:"user_agent"`
	Timezone  *string    `toml:"timezone"`
	Grace     *string    `toml:"grace"`
	LockWait  *string    `toml:"lock_wait"`
	Defaults  rawLimits  `toml:"defaults"`
	Notify    *rawNotify `toml:"notify"`
	Sites     []rawSite  `toml:"sites"`
}

type rawNotify struct {
	WebhookURL       *string  `toml:"webhook_url"`
	WebhookSecret    *string  `toml:"webhook_secret"`
	WebhookSecretEnv *string  `toml:"webhook_secret_env"`
	Command          []string `toml:"command"`
}

type rawLimits struct {
	Delay       *string `toml:"delay"`
	RandomDelay *string `toml:"random_delay"`
	Timeout     *string `toml:"timeout"`
	Parallelism *int    `toml:"parallelism"`
	MaxPages    *int    `toml:"max_pages"`
	MaxDepth    *int    `toml:"max_depth"`
	Retries     *int    `toml:"retries"`
	MaxBody     any     `toml:"max_body"` // a size string or an integer
}

type rawSite struct {
	rawLimits
	Name           *string    `toml:"name"`
	Municipality   string     `toml:"municipality"`
	Seeds          []string   `toml:"seeds"`
	AllowedDomains []string   `toml:"allowed_domains"`
	Follow         []string   `toml:"follow"`
	Pages          []string   `toml:"pages"`
	Schedule       string     `toml:"schedule"`
	Jitter         *string    `toml:"jitter"`
	Notify         *rawNotify `toml:"notify"`
}

// siteName is what a site's name may be: it becomes a directory name
// (site=<name>) in exports.
var siteName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// validator turns a decoded rawFile into a Config, collecting every
// problem.
type validator struct {
	file string
	pos  positions
	errs []*Error
}

func (v *validator) errorf(path, format string, args ...any) {
	v.errs = append(v.errs, &Error{File: v.file, Line: v.pos.line(path), Key: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) config(raw *rawFile) *Config {
	cfg := &Config{Path: v.file, Archive: defaultArchive, UserAgent: DefaultUserAgent}

	if raw.Archive != nil {
		if *raw.Archive == "" {
			v.errorf("archive", "must not be empty")
		}
		cfg.Archive = *raw.Archive
	}
	if !filepath.IsAbs(cfg.Archive) {
		cfg.Archive = filepath.Join(filepath.Dir(v.file), cfg.Archive)
	}
	if raw.UserAgent != nil {
		switch ua := *raw.UserAgent; {
		case ua == "":
			v.errorf("user_agent", "must not be empty")
		case strings.ContainsAny(ua, "\r\n"):
			v.errorf("user_agent", "must be one line")
		default:
			cfg.UserAgent = ua
		}
	}

	cfg.Timezone = DefaultTimezone
	if raw.Timezone != nil {
		cfg.Timezone = *raw.Timezone
	}
	if cfg.Timezone == "" {
		v.errorf("timezone", "must not be empty: write an IANA zone name such as \"Asia/Tokyo\" or \"UTC\"")
	} else if loc, err := time.LoadLocation(cfg.Timezone); err != nil {
		v.errorf("timezone", "unknown time zone %q: write an IANA zone name such as \"Asia/Tokyo\" or \"UTC\"", cfg.Timezone)
	} else {
		cfg.Location = loc
	}
	cfg.Grace, cfg.LockWait = DefaultGrace, DefaultLockWait
	v.duration("grace", raw.Grace, &cfg.Grace, false)
	v.duration("lock_wait", raw.LockWait, &cfg.LockWait, false)
	if raw.Notify != nil {
		cfg.Notify = v.notify("notify", raw.Notify)
	}

	cfg.Defaults = v.limits("defaults", crawler.DefaultLimits(), &raw.Defaults)

	// The decoder accepts a single [sites] table as a one-element array,
	// and the paths in the messages would then be wrong.
	if p, ok := v.pos.at["sites"]; ok && p.kind == unstable.Table {
		v.errorf("sites", "must be an array of tables: write [[sites]], not [sites]")
		return cfg
	}
	first := map[string]string{} // site name -> path of its first name key
	for i := range raw.Sites {
		path := fmt.Sprintf("sites[%d]", i)
		s := v.site(path, cfg.Defaults, &raw.Sites[i])
		if s.Name == "" {
			continue
		}
		if prev, dup := first[s.Name]; dup {
			v.errorf(path+".name", "duplicate site name %q (also at line %d)", s.Name, v.pos.line(prev))
			continue
		}
		first[s.Name] = path + ".name"
		cfg.Sites = append(cfg.Sites, s)
	}
	return cfg
}

func (v *validator) site(path string, defaults crawler.Limits, r *rawSite) Site {
	var s Site
	if !v.pos.hasChildren(path) {
		v.errorf(path, "empty site: a site needs at least a name and seeds")
		return s
	}

	switch {
	case r.Name == nil:
		v.errorf(path+".name", "missing: every site needs a name")
	case !siteName.MatchString(*r.Name):
		v.errorf(path+".name", "%q is not a valid name: use lowercase letters, digits, '-' and '_', starting with a letter or digit", *r.Name)
	case *r.Name == "all":
		v.errorf(path+".name", `"all" is reserved: the Atom feed of every site is all.atom`)
	default:
		s.Name = *r.Name
	}
	s.Municipality = r.Municipality
	s.Schedule = r.Schedule
	if r.Schedule != "" {
		if _, err := ScheduleParser().Parse(r.Schedule); err != nil {
			v.errorf(path+".schedule", "bad schedule %q: %v; write five fields (minute hour day-of-month month day-of-week) such as \"0 6 * * 1\", or \"@daily\", \"@every 6h\", optionally after \"CRON_TZ=Asia/Tokyo \"", r.Schedule, err)
		}
	}
	v.duration(path+".jitter", r.Jitter, &s.Jitter, false)
	if r.Notify != nil {
		n := v.notify(path+".notify", r.Notify)
		s.Notify = &n
	}

	var seedHosts []string // per seed; "" for a bad seed
	switch {
	case r.Seeds == nil:
		v.errorf(path+".seeds", "missing: a site needs at least one seed URL")
	case len(r.Seeds) == 0:
		v.errorf(path+".seeds", "must list at least one URL")
	}
	for i, seed := range r.Seeds {
		u, err := url.Parse(seed)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			v.errorf(fmt.Sprintf("%s.seeds[%d]", path, i), "%q is not an absolute http or https URL", seed)
			seedHosts = append(seedHosts, "")
			continue
		}
		seedHosts = append(seedHosts, strings.ToLower(u.Hostname()))
	}
	s.Seeds = r.Seeds

	switch {
	case r.AllowedDomains == nil:
		for _, h := range seedHosts {
			if h != "" && !slices.Contains(s.AllowedDomains, h) {
				s.AllowedDomains = append(s.AllowedDomains, h)
			}
		}
	case len(r.AllowedDomains) == 0:
		v.errorf(path+".allowed_domains", "must not be empty: leave it out to allow the seeds' hosts")
	default:
		bad := false
		for i, d := range r.AllowedDomains {
			d = strings.ToLower(d)
			if !isHostName(d) {
				v.errorf(fmt.Sprintf("%s.allowed_domains[%d]", path, i), "%q is not a host name: write it without scheme, port or path, e.g. \"www.city.nerima.tokyo.jp\"", d)
				bad = true
				continue
			}
			s.AllowedDomains = append(s.AllowedDomains, d)
		}
		if bad {
			break // a seed outside a misspelt domain would only repeat the problem
		}
		for i, h := range seedHosts {
			if h != "" && !slices.Contains(s.AllowedDomains, h) {
				v.errorf(fmt.Sprintf("%s.seeds[%d]", path, i), "host %q is not in allowed_domains", h)
			}
		}
	}

	s.Follow = v.regexps(path+".follow", r.Follow)
	s.Pages = v.regexps(path+".pages", r.Pages)
	s.Limits = v.limits(path, defaults, &r.rawLimits)
	return s
}

// notify validates a [notify] or [sites.notify] table at path.
func (v *validator) notify(path string, r *rawNotify) Notify {
	var n Notify
	if r.WebhookURL != nil {
		u, err := url.Parse(*r.WebhookURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.errorf(path+".webhook_url", "%q is not an absolute http or https URL", *r.WebhookURL)
		} else {
			n.WebhookURL = *r.WebhookURL
		}
	}
	if r.WebhookSecret != nil && r.WebhookSecretEnv != nil {
		v.errorf(path+".webhook_secret_env", "set webhook_secret or webhook_secret_env, not both")
	}
	if r.WebhookSecret != nil {
		n.WebhookSecret = *r.WebhookSecret
	}
	if r.WebhookSecretEnv != nil {
		if !envName.MatchString(*r.WebhookSecretEnv) {
			v.errorf(path+".webhook_secret_env", "%q is not an environment variable name", *r.WebhookSecretEnv)
		}
		n.WebhookSecretEnv = *r.WebhookSecretEnv
	}
	if r.WebhookURL == nil && (n.WebhookSecret != "" || n.WebhookSecretEnv != "") {
		key := path + ".webhook_secret"
		if r.WebhookSecret == nil {
			key += "_env"
		}
		v.errorf(key, "a secret without webhook_url signs nothing: set webhook_url too")
	}
	if len(r.Command) > 0 && r.Command[0] == "" {
		v.errorf(path+".command[0]", "must name the program to run")
	}
	n.Command = r.Command
	return n
}

// envName is what an environment variable's name may be.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// isHostName reports whether d is a bare host: a name or an IP address,
// with no scheme, port, path or user.
func isHostName(d string) bool {
	if net.ParseIP(d) != nil {
		return true
	}
	return d != "" && !strings.ContainsAny(d, "/:?#@[]\\ \t\r\n")
}

func (v *validator) regexps(path string, exprs []string) []*regexp.Regexp {
	var res []*regexp.Regexp
	for i, expr := range exprs {
		re, err := regexp.Compile(expr)
		if err != nil {
			msg := err.Error()
			var serr *syntax.Error
			if errors.As(err, &serr) {
				msg = fmt.Sprintf("%s: `%s`", serr.Code, serr.Expr)
			}
			v.errorf(fmt.Sprintf("%s[%d]", path, i), "bad regular expression: %s", msg)
			continue
		}
		res = append(res, re)
	}
	return res
}

// limits returns base with the values r sets; path is the table r was read
// from ("defaults" or "sites[1]").
func (v *validator) limits(path string, base crawler.Limits, r *rawLimits) crawler.Limits {
	l := base
	v.duration(path+".delay", r.Delay, &l.Delay, false)
	v.duration(path+".random_delay", r.RandomDelay, &l.RandomDelay, false)
	v.duration(path+".timeout", r.Timeout, &l.Timeout, true)
	v.integer(path+".parallelism", r.Parallelism, &l.Parallelism, 1, math.MaxInt)
	v.integer(path+".max_pages", r.MaxPages, &l.MaxPages, 1, math.MaxInt)
	v.integer(path+".max_depth", r.MaxDepth, &l.MaxDepth, 0, math.MaxInt)
	v.integer(path+".retries", r.Retries, &l.Retries, 0, maxRetries)
	v.size(path+".max_body", r.MaxBody, &l.MaxBody)
	return l
}

func (v *validator) duration(path string, s *string, dst *time.Duration, positive bool) {
	if s == nil {
		return
	}
	d, err := time.ParseDuration(*s)
	switch {
	case err != nil:
		v.errorf(path, "bad duration %q: write a number and a unit such as \"2s\", \"500ms\" or \"1m30s\"", *s)
	case d < 0:
		v.errorf(path, "must not be negative, got %s", *s)
	case positive && d == 0:
		v.errorf(path, "must be greater than zero")
	default:
		*dst = d
	}
}

func (v *validator) integer(path string, n, dst *int, lo, hi int) {
	switch {
	case n == nil:
	case *n < lo && hi == math.MaxInt:
		v.errorf(path, "must be at least %d, got %d", lo, *n)
	case *n < lo || *n > hi:
		v.errorf(path, "must be between %d and %d, got %d", lo, hi, *n)
	default:
		*dst = *n
	}
}

func (v *validator) size(path string, value any, dst *int64) {
	var n int64
	switch x := value.(type) {
	case nil:
		return
	case int64:
		n = x
	case string:
		var err error
		if n, err = parseSize(x); err != nil {
			v.errorf(path, "%v", err)
			return
		}
	default:
		v.errorf(path, "must be a size such as \"10MB\" or a number of bytes, not %s", kindName(v.pos.at[path].kind))
		return
	}
	switch {
	case n <= 0:
		v.errorf(path, "must be greater than zero, got %d", n)
	case n > maxBody:
		v.errorf(path, "must be at most 1GiB (a body is held in memory whole), got %d bytes", n)
	default:
		*dst = n
	}
}

// maxBody is the largest max_body: the crawler holds a body in memory.
const maxBody = 1 << 30

// parseSize parses a byte count: a whole number with an optional unit, B,
// KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024), in any
// case and optionally after a space.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && '0' <= t[i] && t[i] <= '9' {
		i++
	}
	digits, unit := t[:i], strings.TrimSpace(t[i:])
	mult := sizeUnit(strings.ToLower(unit))
	if digits == "" || mult == 0 {
		return 0, fmt.Errorf("bad size %q: write a whole number of bytes, or one with a unit: B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024)", s)
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	if n == 0 {
		return 0, fmt.Errorf("size must be greater than zero, got %q", s)
	}
	return n * mult, nil
}

// sizeUnit returns the bytes in one lowercased unit, or 0 for no unit.
func sizeUnit(unit string) int64 {
	switch unit {
	case "", "b":
		return 1
	case "kb":
		return 1000
	case "mb":
		return 1000 * 1000
	case "gb":
		return 1000 * 1000 * 1000
	case "kib":
		return 1 << 10
	case "mib":
		return 1 << 20
	case "gib":
		return 1 << 30
	}
	return 0
}

// positions records where each key, table header and array element of a
// document starts, by path ("archive", "defaults.delay",
// "sites[1].follow[0]"), so that problems found after decoding can name
// their line. The decoder reports lines itself, but not array-of-tables
// indexes, and nothing about the values it decoded without complaint.
type positions struct {
	at     map[string]position
	syntax string // message of the syntax error that stopped indexing, if any
}

type position struct {
	line, col int
	kind      unstable.Kind // of the value: String, Integer, Array, Table, ArrayTable...
}

// indexKeys indexes data up to its first syntax error.
func indexKeys(data []byte) positions {
	ps := positions{at: map[string]position{}}
	var p unstable.Parser
	p.Reset(data)
	arrays := map[string]int{} // path of an array of tables -> entries so far
	table := ""                // path of the current table
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = ps.header(&p, e, arrays)
		case unstable.KeyValue:
			ps.keyValue(&p, table, e)
		}
	}
	if err := p.Error(); err != nil {
		ps.syntax = err.Error()
	}
	return ps
}

// header records a [table] or [[array table]] header and returns its path.
func (ps positions) header(p *unstable.Parser, e *unstable.Node, arrays map[string]int) string {
	path := ""
	it := e.Key()
	var first unstable.Range
	for it.Next() {
		k := it.Node()
		if path == "" {
			first = k.Raw
		}
		path = joinPath(path, string(k.Data))
		if it.IsLast() && e.Kind == unstable.ArrayTable {
			arrays[path]++
		}
		// A key naming an array of tables means its latest entry.
		if n, ok := arrays[path]; ok {
			path = fmt.Sprintf("%s[%d]", path, n-1)
		}
	}
	pos := startOf(p, first)
	pos.kind = e.Kind
	ps.at[path] = pos
	return path
}

// keyValue records a key-value, and its value's elements and keys, under
// the table at prefix.
func (ps positions) keyValue(p *unstable.Parser, prefix string, kv *unstable.Node) {
	path := prefix
	it := kv.Key()
	var first unstable.Range
	for it.Next() {
		k := it.Node()
		if path == prefix {
			first = k.Raw
		}
		path = joinPath(path, string(k.Data))
	}
	pos := startOf(p, first)
	pos.kind = kv.Value().Kind
	ps.at[path] = pos
	ps.value(p, path, kv.Value(), pos)
}

func (ps positions) value(p *unstable.Parser, path string, v *unstable.Node, pos position) {
	switch v.Kind {
	case unstable.Array:
		i := 0
		for it := v.Children(); it.Next(); {
			elem := it.Node()
			if elem.Kind == unstable.Comment {
				continue
			}
			epos := pos // a nested array has no range of its own
			if elem.Raw.Length > 0 {
				epos = startOf(p, elem.Raw)
			}
			epos.kind = elem.Kind
			epath := fmt.Sprintf("%s[%d]", path, i)
			ps.at[epath] = epos
			ps.value(p, epath, elem, epos)
			i++
		}
	case unstable.InlineTable:
		for it := v.Children(); it.Next(); {
			if kv := it.Node(); kv.Kind == unstable.KeyValue {
				ps.keyValue(p, path, kv)
			}
		}
	}
}

func startOf(p *unstable.Parser, r unstable.Range) position {
	s := p.Shape(r).Start
	return position{line: s.Line, col: s.Column}
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// line returns the line of path, or of its nearest recorded ancestor (the
// site's [[sites]] header for a missing key), or 0.
func (ps positions) line(path string) int {
	for path != "" {
		if p, ok := ps.at[path]; ok {
			return p.line
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

// hasChildren reports whether any key was recorded under path.
func (ps positions) hasChildren(path string) bool {
	for k := range ps.at {
		if strings.HasPrefix(k, path+".") {
			return true
		}
	}
	return false
}

// only returns the one recorded key (not array element) that is key once
// its indexes are removed ("sites[2].seeds" for "sites.seeds").
func (ps positions) only(key string) (string, bool) {
	var match string
	n := 0
	for path := range ps.at {
		if !strings.HasSuffix(path, "]") && stripIndexes(path) == key {
			match = path
			n++
		}
	}
	return match, n == 1
}

func stripIndexes(path string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(path, '[')
		if i < 0 {
			b.WriteString(path)
			return b.String()
		}
		b.WriteString(path[:i])
		j := strings.IndexByte(path[i:], ']')
		if j < 0 {
			return b.String()
		}
		path = path[i+j+1:]
	}
}

// near returns the deepest path that starts on line at or before col: the
// key or element a decoder error at line:col is about.
func (ps positions) near(line, col int) (string, position, bool) {
	var best string
	var bestPos position
	found := false
	for path, p := range ps.at {
		if p.line != line || p.col > col {
			continue
		}
		better := !found || p.col > bestPos.col ||
			(p.col == bestPos.col && (len(path) > len(best) || (len(path) == len(best) && path < best)))
		if better {
			best, bestPos, found = path, p, true
		}
	}
	return best, bestPos, found
}

// unknownKey turns the decoder's report of a key no struct field takes
// into an *Error, suggesting the known key it is likely a typo of.
func (ps positions) unknownKey(file string, de *toml.DecodeError) *Error {
	line, col := de.Position()
	e := &Error{File: file, Line: line, Key: strings.Join(de.Key(), "."), Msg: "unknown key"}
	if path, _, ok := ps.near(line, col); ok {
		e.Key = path
	}
	if strings.Contains(de.Error(), "missing table") {
		e.Msg = "unknown table"
	}
	parent, key := "", e.Key
	if i := strings.LastIndexByte(e.Key, '.'); i >= 0 {
		parent, key = e.Key[:i], e.Key[i+1:]
	}
	if s := suggest(key, knownKeys(parent)); s != "" {
		e.Msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return e
}

// decodeError turns a syntax or type error of the decoder into an *Error.
func (ps positions) decodeError(file string, de *toml.DecodeError) *Error {
	line, col := de.Position()
	msg := strings.TrimPrefix(de.Error(), "toml: ")
	e := &Error{File: file, Line: line, Key: strings.Join(de.Key(), "."), Msg: msg}
	if msg == ps.syntax {
		return e
	}
	path, pos, ok := ps.near(line, col)
	if !ok {
		// The decoder puts an error inside a nested array at the start of
		// the document; its key can still tell which key it is about.
		if path, ok = ps.only(e.Key); !ok {
			return e
		}
		e.Key, e.Line = path, ps.at[path].line
		if want := expected(path); want != "" {
			e.Msg = "must be " + want
		}
		return e
	}
	if pos.kind == unstable.ArrayTable {
		// [[defaults]]: the problem is the table, not its first entry.
		path = path[:strings.LastIndexByte(path, '[')]
	}
	e.Key = path
	if want := expected(path); want != "" && strings.HasPrefix(msg, "cannot") {
		e.Msg = fmt.Sprintf("must be %s, not %s", want, kindName(pos.kind))
	}
	return e
}

// expected describes the TOML type the key at path takes, or "" if it is
// not a key the decoder type-checks.
func expected(path string) string {
	key := path[strings.LastIndexByte(path, '.')+1:]
	if name, _, elem := strings.Cut(key, "["); elem {
		switch name {
		case "sites":
			return "a table"
		case "seeds", "allowed_domains", "follow", "pages", "command":
			return "a string"
		}
		return ""
	}
	switch key {
	case "archive", "user_agent", "name", "municipality", "schedule", "timezone",
		"webhook_url", "webhook_secret", "webhook_secret_env":
		return "a string"
	case "delay", "random_delay", "timeout", "grace", "lock_wait", "jitter":
		return "a duration string such as \"2s\""
	case "parallelism", "max_pages", "max_depth", "retries":
		return "an integer"
	case "seeds", "allowed_domains", "follow", "pages", "command":
		return "an array of strings"
	case "defaults", "notify":
		return "a table"
	case "sites":
		return "an array of tables ([[sites]])"
	}
	return ""
}

func kindName(k unstable.Kind) string {
	switch k {
	case unstable.String:
		return "a string"
	case unstable.Integer:
		return "an integer"
	case unstable.Float:
		return "a float"
	case unstable.Bool:
		return "a boolean"
	case unstable.Array:
		return "an array"
	case unstable.Table, unstable.InlineTable:
		return "a table"
	case unstable.ArrayTable:
		return "an array of tables"
	case unstable.LocalDate, unstable.LocalTime, unstable.LocalDateTime, unstable.DateTime:
		return "a date or time"
	}
	return "something else"
}

// knownKeys returns the keys the table at parent may hold, read from the
// raw types' tags so that they cannot drift apart.
func knownKeys(parent string) []string {
	switch {
	case parent == "":
		return tomlKeys(reflect.TypeFor[rawFile]())
	case parent == "defaults":
		return tomlKeys(reflect.TypeFor[rawLimits]())
	case parent == "notify" || strings.HasSuffix(parent, ".notify"):
		return tomlKeys(reflect.TypeFor[rawNotify]())
	case strings.HasPrefix(parent, "sites[") && !strings.Contains(parent, "."):
		return tomlKeys(reflect.TypeFor[rawSite]())
	}
	return nil
}

func tomlKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		if f.Anonymous {
			keys = append(keys, tomlKeys(f.Type)...)
			continue
		}
		if name, _, _ := strings.Cut(f.Tag.Get("toml"), ","); name != "" {
			keys = append(keys, name)
		}
	}
	return keys
}

// suggest returns the known key closest to key, if it is close enough to
// be a typo of it.
func suggest(key string, known []string) string {
	best, bestDist := "", 3 // at most two edits
	for _, k := range known {
		if d := editDistance(key, k); d < bestDist && d < len([]rune(k)) {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
