package diff

import (
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/staffvoice/staffvoice/extract"
)

// Report is the changes between two versions of one page, as
// `staffvoice diff --format json` prints it.
type Report struct {
	URL         string   `json:"url"`
	FromVersion int      `json:"from_version"`
	ToVersion   int      `json:"to_version"`
	Changes     []Change `json:"changes"`
}

// ANSI colours for WriteText on a terminal.
const (
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiBold  = "\x1b[1m"
	ansiReset = "\x1b[0m"
)

// WriteText writes a report for people: changes grouped by section and
// question, and text changes with inline [-removed-]{+added+} marks,
// coloured when color is set. Page text goes through extract.Printable.
func WriteText(w io.Writer, r Report, color bool) error {
	p := &textWriter{w: w, color: color}
	p.linef("%s: version %d → %d, %d changes", extract.Printable(r.URL), r.FromVersion, r.ToVersion, len(r.Changes))
	section, question := "\x00", "\x00"
	for _, c := range r.Changes {
		c.Section, c.Question, c.Field, c.Old, c.New = extract.Printable(c.Section), extract.Printable(c.Question), extract.Printable(c.Field), extract.Printable(c.Old), extract.Printable(c.New)
		if len(c.Ops) > 0 {
			ops := make([]Op, len(c.Ops))
			for i, op := range c.Ops {
				ops[i] = Op{op.Op, extract.Printable(op.Text)}
			}
			c.Ops = ops
		}
		if c.Kind == KindMetadata {
			p.linef("  %s: %s", c.Field, p.inline(c))
			continue
		}
		if c.Section != section {
			section, question = c.Section, "\x00"
			heading := c.Section
			if heading == "" {
				heading = "(page)"
			}
			p.linef("%s", p.bold("■ "+heading))
		}
		switch c.Kind {
		case KindSectionAdded:
			p.linef("  %s", p.mark("section added", ansiGreen))
			continue
		case KindSectionRemoved:
			p.linef("  %s", p.mark("section removed", ansiRed))
			continue
		case KindSectionRenamed:
			p.linef("  section renamed: %s", p.inline(c))
			continue
		case KindIntroChanged:
			p.linef("  introduction changed:")
			p.linef("    %s", indent(p.inline(c), "    "))
			continue
		}
		if c.Question != question {
			question = c.Question
			p.linef("  Q %s", c.Question)
		}
		switch c.Kind {
		case KindQAAdded:
			p.linef("    %s", p.mark("question added", ansiGreen))
			p.linef("    %s", indent(p.mark(c.New, ansiGreen), "    "))
		case KindQARemoved:
			p.linef("    %s", p.mark("question removed", ansiRed))
			p.linef("    %s", indent(p.mark(c.Old, ansiRed), "    "))
		case KindQAMoved:
			p.linef("    moved from position %s to %s", c.Old, c.New)
		default: // question_reworded, answer_changed, notes_changed
			p.linef("    %s:", strings.ReplaceAll(c.Kind, "_", " "))
			p.linef("    %s", indent(p.inline(c), "    "))
		}
	}
	return p.err
}

type textWriter struct {
	w     io.Writer
	color bool
	err   error
}

func (p *textWriter) linef(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

func (p *textWriter) bold(s string) string {
	if !p.color {
		return s
	}
	return ansiBold + s + ansiReset
}

func (p *textWriter) mark(s, color string) string {
	if !p.color {
		return s
	}
	return color + s + ansiReset
}

// inline is a change's text with its edits marked: from its ops, or old
// and new whole.
func (p *textWriter) inline(c Change) string {
	var b strings.Builder
	del := func(s string) {
		if p.color {
			b.WriteString(ansiRed + "[-" + s + "-]" + ansiReset)
		} else {
			b.WriteString("[-" + s + "-]")
		}
	}
	ins := func(s string) {
		if p.color {
			b.WriteString(ansiGreen + "{+" + s + "+}" + ansiReset)
		} else {
			b.WriteString("{+" + s + "+}")
		}
	}
	if len(c.Ops) == 0 {
		if c.Old != "" {
			del(c.Old)
		}
		if c.New != "" {
			ins(c.New)
		}
		return b.String()
	}
	for _, op := range c.Ops {
		switch op.Op {
		case OpDelete:
			del(op.Text)
		case OpInsert:
			ins(op.Text)
		default:
			b.WriteString(op.Text)
		}
	}
	return b.String()
}

func indent(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// WriteHTML writes a report as one self-contained HTML page with the old
// and new text side by side. Every piece of page text goes through
// html/template's escaping: scraped text never becomes markup.
func WriteHTML(w io.Writer, r Report) error {
	type side struct{ Parts []htmlPart }
	type row struct {
		Kind, Section, Question, Field string
		Old, New                       side
	}
	rows := make([]row, len(r.Changes))
	for i, c := range r.Changes {
		rw := row{Kind: c.Kind, Section: c.Section, Question: c.Question, Field: c.Field}
		if len(c.Ops) == 0 {
			if c.Old != "" {
				rw.Old.Parts = []htmlPart{{Text: c.Old, Class: "del"}}
			}
			if c.New != "" {
				rw.New.Parts = []htmlPart{{Text: c.New, Class: "ins"}}
			}
		}
		for _, op := range c.Ops {
			switch op.Op {
			case OpDelete:
				rw.Old.Parts = append(rw.Old.Parts, htmlPart{Text: op.Text, Class: "del"})
			case OpInsert:
				rw.New.Parts = append(rw.New.Parts, htmlPart{Text: op.Text, Class: "ins"})
			default:
				rw.Old.Parts = append(rw.Old.Parts, htmlPart{Text: op.Text})
				rw.New.Parts = append(rw.New.Parts, htmlPart{Text: op.Text})
			}
		}
		rows[i] = rw
	}
	return htmlReport.Execute(w, map[string]any{"R": r, "Rows": rows})
}

type htmlPart struct{ Text, Class string }

var htmlReport = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>{{.R.URL}}: version {{.R.FromVersion}} → {{.R.ToVersion}}</title>
<style>
body { font-family: sans-serif; margin: 2em; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #ccc; padding: .4em .6em; vertical-align: top; text-align: left; white-space: pre-wrap; word-break: break-all; }
th.where { background: #f4f4f4; font-weight: normal; }
.kind { font-family: monospace; color: #555; }
.del { background: #fdd; text-decoration: line-through; }
.ins { background: #dfd; }
</style>
</head>
<body>
<h1>{{.R.URL}}</h1>
<p>Version {{.R.FromVersion}} → {{.R.ToVersion}}: {{len .R.Changes}} changes.</p>
<table>
<thead><tr><th>version {{.R.FromVersion}}</th><th>version {{.R.ToVersion}}</th></tr></thead>
<tbody>
{{range .Rows}}<tr><th class="where" colspan="2"><span class="kind">{{.Kind}}</span>{{if .Field}} {{.Field}}{{end}}{{if .Section}} · {{.Section}}{{end}}{{if .Question}} · {{.Question}}{{end}}</th></tr>
<tr><td>{{range .Old.Parts}}{{if .Class}}<span class="{{.Class}}">{{.Text}}</span>{{else}}{{.Text}}{{end}}{{end}}</td><td>{{range .New.Parts}}{{if .Class}}<span class="{{.Class}}">{{.Text}}</span>{{else}}{{.Text}}{{end}}{{end}}</td></tr>
{{end}}</tbody>
</table>
</body>
</html>
`))
