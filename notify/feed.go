package notify

import (
	"bytes"
	"cmp"
	"crypto/sha1"
	"errors"
	"fmt"
	"html"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/feeds"

	"github.com/staffvoice/staffvoice/diff"
	"github.com/staffvoice/staffvoice/extract"
)

// MaxFeedEntries is how many entries a feed keeps: the newest.
const MaxFeedEntries = 200

// AllFeed is the name of the feed of every site, in WriteFeeds's dir.
const AllFeed = "all.atom"

// validSite is a site name that can name a feed file.
var validSite = regexp.MustCompile(`^[a-z0-9_-]+$`)

// WriteFeeds writes dir/all.atom with every event and dir/<site>.atom for
// each site among events, as Atom 1.0: one entry per Event, newest first,
// at most MaxFeedEntries. Entry ids depend only on the page URL and
// version, so feeds regenerated from the archive keep their ids. A feed's
// updated time is its newest entry's (now when it has none), so a feed
// that gained nothing is rewritten byte for byte. Each file is replaced
// atomically. An event with no site goes to all.atom only; a site whose
// name cannot name a file (or is "all") gets no feed of its own and an
// error, after the other feeds are written.
func WriteFeeds(dir string, events []Event, now time.Time) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("notify: feeds: %w", err)
	}
	bySite := map[string][]Event{}
	for _, e := range events {
		if e.Site != "" {
			bySite[e.Site] = append(bySite[e.Site], e)
		}
	}
	var errs []error
	if err := writeFeed(filepath.Join(dir, AllFeed), "staffvoice: all sites", "all", events, now); err != nil {
		errs = append(errs, err)
	}
	for _, site := range slices.Sorted(maps.Keys(bySite)) {
		if !validSite.MatchString(site) || site+".atom" == AllFeed {
			errs = append(errs, fmt.Errorf("notify: feeds: site %q cannot name a feed file", site))
			continue
		}
		title := "staffvoice: " + site
		if m := bySite[site][0].Municipality; m != "" {
			title += " (" + m + ")"
		}
		if err := writeFeed(filepath.Join(dir, site+".atom"), title, "site/"+site, bySite[site], now); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// writeFeed writes one feed of events to path; name makes the feed's id.
func writeFeed(path, title, name string, events []Event, now time.Time) error {
	events = slices.Clone(events)
	slices.SortStableFunc(events, func(a, b Event) int {
		return cmp.Or(b.DetectedAt.Compare(a.DetectedAt), cmp.Compare(a.URL, b.URL), cmp.Compare(b.ToVersion, a.ToVersion))
	})
	events = events[:min(len(events), MaxFeedEntries)]
	updated := now
	if len(events) > 0 {
		updated = events[0].DetectedAt
	}
	f := &feeds.Feed{
		Title:   title,
		Author:  &feeds.Author{Name: "staffvoice"},
		Updated: updated,
	}
	for _, e := range events {
		f.Add(&feeds.Item{
			Id:      nameUUID("staffvoice:version:" + e.URL + "#" + strconv.Itoa(e.ToVersion)),
			Title:   fmt.Sprintf("%s — version %d", extract.Printable(e.URL), e.ToVersion),
			Link:    &feeds.Link{Href: e.URL},
			Updated: e.DetectedAt,
		})
	}
	atom := (&feeds.Atom{Feed: f}).AtomFeed()
	// gorilla/feeds uses the link as the feed id and marks summaries as
	// HTML. The feed has no page of its own, and the summary is plain
	// text: as "html", page text such as <script> would become markup in
	// the reader. The content is the same text as escaped HTML in <pre>,
	// for readers that collapse the lines of a text summary.
	atom.Id = nameUUID("staffvoice:feed:" + name)
	atom.Link = nil
	for i, entry := range atom.Entries {
		text := Summary(events[i])
		entry.Summary = &feeds.AtomSummary{Type: "text", Content: text}
		entry.Content = &feeds.AtomContent{Type: "html", Content: "<pre>" + html.EscapeString(text) + "</pre>"}
	}
	var b bytes.Buffer
	if err := feeds.WriteXML(atom, &b); err != nil {
		return fmt.Errorf("notify: feed %s: %w", path, err)
	}
	if err := writeFileAtomic(path, b.Bytes()); err != nil {
		return fmt.Errorf("notify: feed %s: %w", path, err)
	}
	return nil
}

// nameUUID is a name-based (version 5) UUID URN for name in the URL
// namespace: stable, and a valid Atom id.
func nameUUID(name string) string {
	ns := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// writeFileAtomic replaces path with data: readers see the old file or
// the new one, never part of one.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Summary limits: the changes listed, the unchanged text kept around an
// edit, and the length of any one piece of text.
const (
	summaryChanges = 50
	summaryContext = 30
	summaryText    = 200
)

// Summary is a plain-text account of e for people: the page, then which
// questions changed and how, as `staffvoice diff` prints it, with text
// edits shortened to excerpts marked [-removed-]{+added+}.
func Summary(e Event) string {
	var b strings.Builder
	if e.Municipality != "" {
		b.WriteString(extract.Printable(e.Municipality) + "\n")
	}
	changes := make([]diff.Change, 0, min(len(e.Changes), summaryChanges))
	for _, c := range e.Changes[:min(len(e.Changes), summaryChanges)] {
		changes = append(changes, shorten(c))
	}
	// WriteText cannot fail on a strings.Builder.
	_ = diff.WriteText(&b, diff.Report{URL: e.URL, FromVersion: e.FromVersion, ToVersion: e.ToVersion, Changes: changes}, false)
	if n := len(e.Changes) - len(changes); n > 0 {
		fmt.Fprintf(&b, "… and %d more changes\n", n)
	}
	return strings.TrimRight(b.String(), "\n")
}

// shorten cuts c's texts to excerpts around its edits.
func shorten(c diff.Change) diff.Change {
	c.Old, c.New = clip(c.Old, summaryText), clip(c.New, summaryText)
	if len(c.Ops) == 0 {
		return c
	}
	ops := make([]diff.Op, 0, len(c.Ops))
	for i, op := range c.Ops {
		if op.Op != diff.OpEqual {
			op.Text = clip(op.Text, summaryText)
			ops = append(ops, op)
			continue
		}
		r := []rune(op.Text)
		first, last := i == 0, i == len(c.Ops)-1
		switch {
		case first && last:
			op.Text = clip(op.Text, summaryText)
		case first && len(r) > summaryContext:
			op.Text = "…" + string(r[len(r)-summaryContext:])
		case last && len(r) > summaryContext:
			op.Text = string(r[:summaryContext]) + "…"
		case !first && !last && len(r) > 2*summaryContext:
			op.Text = string(r[:summaryContext]) + " … " + string(r[len(r)-summaryContext:])
		}
		ops = append(ops, op)
	}
	c.Ops = ops
	return c
}

// clip cuts s to at most n runes, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
