package notify

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/staffvoice/staffvoice/diff"
)

// atomFeed is what the tests read back from a feed file.
type atomFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  string   `xml:"author>name"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Link    struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"link"`
		Summary struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"summary"`
		Content struct {
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"content"`
	} `xml:"entry"`
}

func readFeed(t *testing.T, path string) atomFeed {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f atomFeed
	if err := xml.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s is not Atom: %v", path, err)
	}
	return f
}

func feedEvents() []Event {
	at := time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC)
	return []Event{
		{URL: "https://www.city.kobe.example.jp/faq/1.html", Site: "kobe", Municipality: "神戸市", FromVersion: 1, ToVersion: 2, DetectedAt: at,
			Changes: []diff.Change{
				{Kind: diff.KindMetadata, Field: diff.FieldTitle, Old: "ごみの出し方", New: "ごみの分け方"},
				{Kind: diff.KindAnswerChanged, Section: "粗大ごみ", Question: "粗大ごみの収集日は？",
					Old: "毎週月曜日です。", New: "毎週火曜日です。",
					Ops: []diff.Op{{Op: diff.OpEqual, Text: "毎週"}, {Op: diff.OpDelete, Text: "月"}, {Op: diff.OpInsert, Text: "火"}, {Op: diff.OpEqual, Text: "曜日です。"}}},
			}},
		{URL: "https://www.city.osaka.example.jp/q.html", Site: "osaka", FromVersion: 4, ToVersion: 5, DetectedAt: at.Add(time.Hour),
			Changes: []diff.Change{{Kind: diff.KindQAAdded, Section: "手続き", Question: "<script>alert(1)</script>は？", New: "<b>いいえ</b>"}}},
		{URL: "https://nosite.example/x", FromVersion: 1, ToVersion: 2, DetectedAt: at.Add(2 * time.Hour),
			Changes: []diff.Change{{Kind: diff.KindQARemoved, Section: "S", Question: "Q?", Old: "A"}}},
	}
}

func TestWriteFeeds(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	if err := WriteFeeds(dir, feedEvents(), now); err != nil {
		t.Fatalf("WriteFeeds: %v", err)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	if got, want := fmt.Sprint(names), fmt.Sprint([]string{filepath.Join(dir, "all.atom"), filepath.Join(dir, "kobe.atom"), filepath.Join(dir, "osaka.atom")}); got != want {
		t.Errorf("files: got %s, want %s", got, want)
	}

	all := readFeed(t, filepath.Join(dir, "all.atom"))
	if len(all.Entries) != 3 {
		t.Fatalf("all.atom entries: got %d, want 3", len(all.Entries))
	}
	var order []string
	for _, e := range all.Entries {
		order = append(order, e.Link.Href)
	}
	if got, want := strings.Join(order, " "), "https://nosite.example/x https://www.city.osaka.example.jp/q.html https://www.city.kobe.example.jp/faq/1.html"; got != want {
		t.Errorf("all.atom order: got %s, want newest first %s", got, want)
	}
	if all.ID == "" || all.Updated != "2024-05-01T08:00:00Z" || all.Author != "staffvoice" {
		t.Errorf("all.atom head: id %q, updated %q, author %q", all.ID, all.Updated, all.Author)
	}

	kobe := readFeed(t, filepath.Join(dir, "kobe.atom"))
	if len(kobe.Entries) != 1 {
		t.Fatalf("kobe.atom entries: got %d, want 1", len(kobe.Entries))
	}
	e := kobe.Entries[0]
	if !strings.HasPrefix(e.ID, "urn:uuid:") || e.ID != all.Entries[2].ID {
		t.Errorf("kobe entry id %q: want a urn:uuid equal to all.atom's %q", e.ID, all.Entries[2].ID)
	}
	if want := "https://www.city.kobe.example.jp/faq/1.html — version 2"; e.Title != want {
		t.Errorf("title: got %q, want %q", e.Title, want)
	}
	if e.Link.Href != "https://www.city.kobe.example.jp/faq/1.html" || e.Link.Rel != "alternate" {
		t.Errorf("link: got %+v", e.Link)
	}
	if e.Updated != "2024-05-01T06:00:00Z" {
		t.Errorf("updated: got %q", e.Updated)
	}
	if e.Summary.Type != "text" {
		t.Errorf("summary type: got %q, want text", e.Summary.Type)
	}
	for _, want := range []string{"神戸市", "title: [-ごみの出し方-]{+ごみの分け方+}", "■ 粗大ごみ", "Q 粗大ごみの収集日は？", "answer changed:", "毎週[-月-]{+火+}曜日です。"} {
		if !strings.Contains(e.Summary.Text, want) {
			t.Errorf("summary does not contain %q:\n%s", want, e.Summary.Text)
		}
	}
	if kobe.Title != "staffvoice: kobe (神戸市)" {
		t.Errorf("kobe.atom title: got %q", kobe.Title)
	}

	// Page text is text: the summary says <script> as text, and the HTML
	// content escapes it, so no reader runs it.
	raw, _ := os.ReadFile(filepath.Join(dir, "osaka.atom"))
	if bytes.Contains(raw, []byte("<script>")) || bytes.Contains(raw, []byte("<b>")) {
		t.Errorf("osaka.atom holds raw markup from the page:\n%s", raw)
	}
	osaka := readFeed(t, filepath.Join(dir, "osaka.atom"))
	o := osaka.Entries[0]
	if !strings.Contains(o.Summary.Text, "Q <script>alert(1)</script>は？") {
		t.Errorf("summary text: got %q", o.Summary.Text)
	}
	if o.Content.Type != "html" || strings.Contains(o.Content.Text, "<script>") || !strings.Contains(o.Content.Text, "&lt;script&gt;alert(1)&lt;/script&gt;は？") {
		t.Errorf("content %q (type %s): want the page text escaped as HTML", o.Content.Text, o.Content.Type)
	}

	// Regenerating gives the same files, ids included.
	before, _ := os.ReadFile(filepath.Join(dir, "all.atom"))
	if err := WriteFeeds(dir, feedEvents(), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "all.atom"))
	if !bytes.Equal(before, after) {
		t.Errorf("regenerated all.atom differs:\n%s\n---\n%s", before, after)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestWriteFeedsKeepsNewest200(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var events []Event
	for i := range 205 {
		events = append(events, Event{URL: fmt.Sprintf("https://x.example/%d", i), Site: "x", FromVersion: 1, ToVersion: 2,
			DetectedAt: start.Add(time.Duration(i) * time.Hour), Changes: []diff.Change{{Kind: diff.KindQAAdded, Question: "q"}}})
	}
	if err := WriteFeeds(dir, events, start); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"all.atom", "x.atom"} {
		f := readFeed(t, filepath.Join(dir, name))
		if len(f.Entries) != MaxFeedEntries {
			t.Fatalf("%s entries: got %d, want %d", name, len(f.Entries), MaxFeedEntries)
		}
		if first, last := f.Entries[0].Link.Href, f.Entries[len(f.Entries)-1].Link.Href; first != "https://x.example/204" || last != "https://x.example/5" {
			t.Errorf("%s: entries from %s to %s, want the newest 200 (204 down to 5)", name, first, last)
		}
	}
}

func TestWriteFeedsEmptyAndBadSites(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	events := []Event{
		{URL: "https://x.example/a", Site: "../evil", ToVersion: 2, DetectedAt: now},
		{URL: "https://x.example/b", Site: "all", ToVersion: 2, DetectedAt: now},
	}
	err := WriteFeeds(dir, events, now)
	if err == nil || !strings.Contains(err.Error(), `"../evil"`) || !strings.Contains(err.Error(), `"all"`) {
		t.Errorf("WriteFeeds with bad site names: got %v", err)
	}
	if all := readFeed(t, filepath.Join(dir, "all.atom")); len(all.Entries) != 2 {
		t.Errorf("all.atom entries: got %d, want 2", len(all.Entries))
	}

	if err := WriteFeeds(dir, nil, now); err != nil {
		t.Fatal(err)
	}
	all := readFeed(t, filepath.Join(dir, "all.atom"))
	if len(all.Entries) != 0 || all.Updated != "2024-06-01T00:00:00Z" {
		t.Errorf("empty all.atom: %d entries, updated %q", len(all.Entries), all.Updated)
	}
}

func TestSummaryShortensLongText(t *testing.T) {
	long := strings.Repeat("あ", 500)
	e := Event{URL: "https://x.example/p", FromVersion: 1, ToVersion: 2, Changes: []diff.Change{{
		Kind: diff.KindAnswerChanged, Section: "S", Question: "Q",
		Ops: []diff.Op{{Op: diff.OpEqual, Text: long}, {Op: diff.OpDelete, Text: "古い"}, {Op: diff.OpInsert, Text: "新しい"}, {Op: diff.OpEqual, Text: long}},
	}}}
	got := Summary(e)
	want := "…" + strings.Repeat("あ", summaryContext) + "[-古い-]{+新しい+}" + strings.Repeat("あ", summaryContext) + "…"
	if !strings.Contains(got, want) {
		t.Errorf("summary:\n%s\nwant it to contain\n%s", got, want)
	}
	for range 60 {
		e.Changes = append(e.Changes, e.Changes[0])
	}
	if got := Summary(e); !strings.HasSuffix(got, "… and 11 more changes") {
		t.Errorf("summary of 61 changes ends %q", got[len(got)-40:])
	}
}
