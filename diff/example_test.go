package diff_test

import (
	"fmt"

	"github.com/staffvoice/staffvoice/diff"
	"github.com/staffvoice/staffvoice/extract"
)

func ExampleCompare() {
	old := extract.Document{
		Updated: "2024-04-01",
		Sections: []extract.Section{{Heading: "事務職", QA: []extract.QA{
			{Question: "志望動機を教えてください。", Answer: []string{"地元に貢献したいと思いました。"}},
			{Question: "休日の過ごし方を教えてください。", Answer: []string{"山登りをしています。"}},
		}}},
	}
	new := extract.Document{
		Updated: "2025-04-01",
		Sections: []extract.Section{{Heading: "事務職", QA: []extract.QA{
			{Question: "志望動機を教えてください。", Answer: []string{"地元に貢献したいと考えました。"}},
			{Question: "仕事のやりがいを教えてください。", Answer: []string{"住民の方から感謝されたときです。"}},
			{Question: "休日の過ごし方を教えてください。", Answer: []string{"山登りをしています。"}},
		}}},
	}
	changes := diff.Compare(old, new)
	for _, c := range changes {
		fmt.Printf("%s %s%s %q → %q\n", c.Kind, c.Field, c.Question, c.Old, c.New)
		for _, op := range c.Ops {
			fmt.Printf("\t%s %q\n", op.Op, op.Text)
		}
	}
	fmt.Println(diff.Summary(changes))
	// Output:
	// metadata updated "2024-04-01" → "2025-04-01"
	// answer_changed 志望動機を教えてください。 "地元に貢献したいと思いました。" → "地元に貢献したいと考えました。"
	// 	equal "地元に貢献したいと"
	// 	delete "思い"
	// 	insert "考え"
	// 	equal "ました。"
	// qa_added 仕事のやりがいを教えてください。 "" → "住民の方から感謝されたときです。"
	// 3 changes: 1 metadata, 1 qa_added, 1 answer_changed
}
