package diff

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/staffvoice/staffvoice/extract"
)

// Change is one difference between two versions of a page. Its texts are
// valid UTF-8: a byte that is not is a U+FFFD, as in JSON.
//
// What Old and New hold depends on Kind:
//
//   - KindMetadata: the field's value (breadcrumbs joined with " > ").
//   - KindSectionAdded, KindSectionRemoved: the heading, in New or Old.
//   - KindSectionRenamed: the old and the new heading.
//   - KindQAAdded, KindQARemoved: the answer paragraphs joined with "\n",
//     in New or Old.
//   - KindQAMoved: the 1-based positions in the section before and after.
//   - KindQuestionReworded: the old and the new question, with Ops.
//   - KindAnswerChanged, KindNotesChanged, KindIntroChanged: the
//     paragraphs joined with "\n", with Ops.
type Change struct {
	Kind string `json:"kind"`
	// Section is the heading of the section the change belongs to, as it
	// is in the new version ("" for the page's metadata and intro). For a
	// removed section it is the old heading.
	Section string `json:"section"`
	// Question is the question the change belongs to, as it is in the new
	// version; for a removed question, the old one.
	Question string `json:"question"`
	// Field names the metadata field, one of the Field constants.
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
	// Ops is a character-level diff from Old to New, for text changes.
	Ops []Op `json:"ops,omitempty"`
}

// Op is one step of a character-level diff: Text is kept (OpEqual),
// inserted (OpInsert) or deleted (OpDelete). Applying the equal and delete
// steps gives the old text, the equal and insert steps the new one.
type Op struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// Kinds of Change.
const (
	KindMetadata         = "metadata"
	KindSectionAdded     = "section_added"
	KindSectionRemoved   = "section_removed"
	KindSectionRenamed   = "section_renamed"
	KindQAAdded          = "qa_added"
	KindQARemoved        = "qa_removed"
	KindQAMoved          = "qa_moved"
	KindQuestionReworded = "question_reworded"
	KindAnswerChanged    = "answer_changed"
	KindNotesChanged     = "notes_changed"
	KindIntroChanged     = "intro_changed"
)

// kindOrder is the order Summary counts the kinds of Change in.
var kindOrder = [...]string{
	KindMetadata, KindIntroChanged,
	KindSectionAdded, KindSectionRemoved, KindSectionRenamed,
	KindQAAdded, KindQARemoved, KindQAMoved,
	KindQuestionReworded, KindAnswerChanged, KindNotesChanged,
}

// Steps of an Op.
const (
	OpEqual  = "equal"
	OpInsert = "insert"
	OpDelete = "delete"
)

// Metadata fields, in the order Compare reports them.
const (
	FieldTitle             = "title"
	FieldPageNumber        = "page_number"
	FieldUpdated           = "updated"
	FieldPublished         = "published"
	FieldBreadcrumbs       = "breadcrumbs"
	FieldContactDepartment = "contact.department"
	FieldContactPhone      = "contact.phone"
	FieldContactFax        = "contact.fax"
	FieldContactEmail      = "contact.email"
	FieldContactFormURL    = "contact.form_url"
)

// Compare lists what changed from old to new, in page order: metadata
// (in the order of the Field constants), the page intro, then each section
// in the new version's order, a removed section where it used to be.
// Within a section come its rename and intro change, then its questions
// in order, a removed question where it used to be, and for each
// question its rewording, move, answer and notes changes. It returns nil
// when the versions do not differ. The package doc says how sections and
// questions are matched.
func Compare(old, new extract.Document) []Change {
	var out []Change
	out = compareMetadata(out, &old, &new)
	if !equalFolded(old.Intro, new.Intro) {
		out = append(out, textChange(KindIntroChanged, "", "", join(old.Intro), join(new.Intro)))
	}
	olds, news := prepare(old.Sections), prepare(new.Sections)
	pairs := matchSections(olds, news)
	for _, s := range pageOrder(pairs, len(olds), len(news)) {
		switch {
		case s.new < 0:
			h := olds[s.old].heading
			out = append(out, Change{Kind: KindSectionRemoved, Section: h, Old: h})
		case s.old < 0:
			h := news[s.new].heading
			out = append(out, Change{Kind: KindSectionAdded, Section: h, New: h})
		default:
			out = compareSection(out, &olds[s.old], &news[s.new])
		}
	}
	for i := range out {
		c := &out[i]
		c.Section, c.Question = validUTF8(c.Section), validUTF8(c.Question)
		c.Old, c.New = validUTF8(c.Old), validUTF8(c.New)
	}
	return out
}

func compareMetadata(out []Change, old, new *extract.Document) []Change {
	meta := func(field, o, n, oKey, nKey string) {
		if oKey != nKey {
			out = append(out, Change{Kind: KindMetadata, Field: field, Old: o, New: n})
		}
	}
	folded := func(field, o, n string) { meta(field, o, n, extract.Fold(o), extract.Fold(n)) }
	// A date is compared as YYYY-MM-DD, so 令和3年 and 2021年 are one date;
	// one that could not be read is compared as written.
	date := func(field, oISO, oRaw, nISO, nRaw string) {
		o, oKey := dateValue(oISO, oRaw)
		n, nKey := dateValue(nISO, nRaw)
		meta(field, o, n, oKey, nKey)
	}

	folded(FieldTitle, old.Title, new.Title)
	folded(FieldPageNumber, old.PageNumber, new.PageNumber)
	date(FieldUpdated, old.Updated, old.UpdatedRaw, new.Updated, new.UpdatedRaw)
	date(FieldPublished, old.Published, old.PublishedRaw, new.Published, new.PublishedRaw)
	if !equalFolded(old.Breadcrumbs, new.Breadcrumbs) {
		out = append(out, Change{Kind: KindMetadata, Field: FieldBreadcrumbs,
			Old: strings.Join(old.Breadcrumbs, " > "), New: strings.Join(new.Breadcrumbs, " > ")})
	}
	oc, nc := &old.Contact, &new.Contact
	folded(FieldContactDepartment, oc.Department, nc.Department)
	folded(FieldContactPhone, oc.Phone, nc.Phone)
	folded(FieldContactFax, oc.Fax, nc.Fax)
	folded(FieldContactEmail, oc.Email, nc.Email)
	meta(FieldContactFormURL, oc.FormURL, nc.FormURL, formPath(oc.FormURL), formPath(nc.FormURL))
	return out
}

// dateValue is the value shown for a date and the one compared.
func dateValue(iso, raw string) (shown, key string) {
	if iso != "" {
		return iso, iso
	}
	return raw, extract.Fold(raw)
}

// formPath is the part of a mail-form URL that belongs to the page, as
// extract.ContentHash sees it: the scheme and host come from where the
// page was read (https, http, a file), which is not content.
func formPath(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return p.RequestURI()
}

func compareSection(out []Change, o, n *section) []Change {
	h := n.heading
	if o.fold != n.fold {
		out = append(out, Change{Kind: KindSectionRenamed, Section: h, Old: o.heading, New: n.heading})
	}
	if !slices.Equal(o.intro, n.intro) {
		out = append(out, textChange(KindIntroChanged, h, "", join(o.src.Intro), join(n.src.Intro)))
	}
	pairs := matchQuestions(o.qa, n.qa)
	moved := movedPairs(pairs, o.qa, n.qa)
	isMoved := make(map[pair]bool, len(moved))
	for _, p := range moved {
		isMoved[p] = true
	}
	for _, s := range pageOrder(pairs, len(o.qa), len(n.qa)) {
		switch {
		case s.new < 0:
			q := o.qa[s.old].src
			out = append(out, Change{Kind: KindQARemoved, Section: h, Question: q.Question, Old: join(q.Answer)})
		case s.old < 0:
			q := n.qa[s.new].src
			out = append(out, Change{Kind: KindQAAdded, Section: h, Question: q.Question, New: join(q.Answer)})
		default:
			oq, nq := &o.qa[s.old], &n.qa[s.new]
			name := nq.src.Question
			if oq.fold != nq.fold {
				out = append(out, textChange(KindQuestionReworded, h, name, oq.src.Question, name))
			}
			if isMoved[s] {
				out = append(out, Change{Kind: KindQAMoved, Section: h, Question: name,
					Old: strconv.Itoa(s.old + 1), New: strconv.Itoa(s.new + 1)})
			}
			if !slices.Equal(oq.answer, nq.answer) {
				out = append(out, textChange(KindAnswerChanged, h, name, join(oq.src.Answer), join(nq.src.Answer)))
			}
			if !slices.Equal(oq.notes, nq.notes) {
				out = append(out, textChange(KindNotesChanged, h, name, join(oq.src.Notes), join(nq.src.Notes)))
			}
		}
	}
	return out
}

// textChange is a change with ops. Its texts are made valid UTF-8 first,
// so that the ops, which are made of runes, give Old and New.
func textChange(kind, section, question, old, new string) Change {
	old, new = validUTF8(old), validUTF8(new)
	return Change{Kind: kind, Section: section, Question: question, Old: old, New: new, Ops: textOps(old, new)}
}

// validUTF8 is s with each invalid byte a U+FFFD, as encoding/json would
// write it.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string([]rune(s))
}

func join(paragraphs []string) string { return strings.Join(paragraphs, "\n") }

// section is a Section with the folded forms Compare compares.
type section struct {
	src     *extract.Section
	heading string
	fold    string   // extract.Fold(heading)
	intro   []string // folded intro, blank paragraphs left out
	qa      []question

	// Profiles for similarity, made when first needed.
	headProf, contentProf []uint64
	empty                 bool // no intro, no question
}

// question is a QA with its folded forms.
type question struct {
	src    *extract.QA
	key    string // extract.QuestionKey
	fold   string // extract.Fold(question)
	answer []string
	notes  []string

	// Profiles for similarity, made when first needed.
	questionProf, answerProf []uint64
}

func prepare(src []extract.Section) []section {
	out := make([]section, len(src))
	for i := range src {
		s := &src[i]
		qa := make([]question, len(s.QA))
		for j := range s.QA {
			q := &s.QA[j]
			qa[j] = question{src: q, key: extract.QuestionKey(q.Question), fold: extract.Fold(q.Question),
				answer: foldAll(q.Answer), notes: foldAll(q.Notes)}
		}
		out[i] = section{src: s, heading: s.Heading, fold: extract.Fold(s.Heading), intro: foldAll(s.Intro), qa: qa}
	}
	return out
}

// foldAll folds each paragraph and leaves out those that fold to nothing,
// as extract.ContentHash does: a blank paragraph is not content.
func foldAll(ps []string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		if f := extract.Fold(p); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func equalFolded(a, b []string) bool { return slices.Equal(foldAll(a), foldAll(b)) }

// Summary counts changes by kind, metadata first, e.g.
// "3 changes: 1 metadata, 1 qa_added, 1 answer_changed".
func Summary(changes []Change) string {
	if len(changes) == 0 {
		return "no changes"
	}
	n := make(map[string]int)
	for _, c := range changes {
		n[c.Kind]++
	}
	parts := make([]string, 0, len(n))
	for _, k := range kindOrder {
		if n[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
			delete(n, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(n)) { // kinds this version does not know
		parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
	}
	noun := "changes"
	if len(changes) == 1 {
		noun = "change"
	}
	return fmt.Sprintf("%d %s: %s", len(changes), noun, strings.Join(parts, ", "))
}
