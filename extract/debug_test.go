package extract

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"golang.org/x/net/html"
)

// TestDumpBlocks prints the block stream of the page named by
// STAFFVOICE_DUMP, to see why the extractor read a page as it did.
func TestDumpBlocks(t *testing.T) {
	path := os.Getenv("STAFFVOICE_DUMP")
	if path == "" {
		t.Skip("set STAFFVOICE_DUMP=page.html to dump a page's blocks")
	}
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := decode(body, os.Getenv("STAFFVOICE_CT"))
	root, _ := html.Parse(bytes.NewReader(dec.text))
	p := walkPage(root, len(dec.text))
	a := &analysis{page: p, doc: &Document{}}
	a.regions()
	fmt.Printf("charset %s marks %v container %v rank %d densest %v content %v contacts %v crumbs %v\n", dec.charset, p.marks, p.container, p.containerRank, p.densest, a.content, p.contacts, p.crumbs)
	for i, b := range p.blocks {
		fmt.Printf("%4d k%d h%d boiler=%v crumb=%v group=%p %q\n", i, b.kind, b.level, b.boiler, b.crumb, b.group, b.text())
	}
}
