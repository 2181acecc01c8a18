package extract

import (
	"errors"
	"strings"
	"testing"
)

// TestPanicIsErrInternal: a panic under Extract's deferred recoverInternal
// comes back as ErrInternal naming the page and the panic, with no
// Document.
func TestPanicIsErrInternal(t *testing.T) {
	doc, err := func() (doc *Document, err error) {
		defer recoverInternal("https://example.jp/koe.html", &doc, &err)
		doc = &Document{}
		var sections []Section
		_ = sections[3] // index out of range
		return doc, nil
	}()
	if doc != nil || !errors.Is(err, ErrInternal) || !strings.Contains(err.Error(), "https://example.jp/koe.html") ||
		!strings.Contains(err.Error(), "index out of range") {
		t.Errorf("got %v, %v; want no Document and ErrInternal naming the page and the panic", doc, err)
	}
}
