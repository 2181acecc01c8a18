package extract

import (
	"encoding/json"
	"testing"
)

// TestBuilderListsDoNotShare checks that the intros, answers and Q&A
// lists the builder hands out from its shared arrays have their own
// capacity: appending to one leaves the others as they were.
func TestBuilderListsDoNotShare(t *testing.T) {
	for _, f := range fixtures(t) {
		doc, err := Extract(f.body, f.url, f.contentType)
		if err != nil {
			continue
		}
		before, _ := json.Marshal(doc)
		for i := range doc.Sections {
			s := &doc.Sections[i]
			_ = append(s.Intro, "x")
			_ = append(s.QA, QA{Question: "x"})
			for _, q := range s.QA {
				_ = append(q.Answer, "x")
			}
		}
		_ = append(doc.Intro, "x")
		if after, _ := json.Marshal(doc); string(after) != string(before) {
			t.Errorf("%s: appending to a list changed another", f.name)
		}
	}
}
