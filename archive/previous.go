package archive

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/staffvoice/staffvoice/extract"
)

// Validators are what a conditional request sends back to the server: the
// ETag and Last-Modified of the page's last complete 200 capture.
type Validators struct {
	ETag         string
	LastModified string
}

// Validators returns the validators of the page's latest complete 200
// capture (none when it carried none, or for a page never seen), the
// capture a 304 answer then refers to.
func (s *Store) Validators(ctx context.Context, rawURL string) (Validators, error) {
	canon, err := CanonicalURL(rawURL)
	if err != nil {
		return Validators{}, fmt.Errorf("archive: validators of %s: %w", rawURL, err)
	}
	var v Validators
	err = s.queryRow(ctx, nil, qValidators, PageID(canon)).Scan(&v.ETag, &v.LastModified)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Validators{}, fmt.Errorf("archive: validators of %s: %w", rawURL, err)
	}
	return v, nil
}

// LastBody returns the payload of the page's latest complete 200 capture
// and its Content-Type, read back from the WARC file: what a 304 answer
// means.
// It gives ErrNotFound for a page with no stored payload.
func (s *Store) LastBody(ctx context.Context, rawURL string) (body []byte, contentType string, err error) {
	s.open.RLock() // Close waits for it
	defer s.open.RUnlock()
	if s.closed.Load() {
		return nil, "", fmt.Errorf("archive: last body of %s: the archive is closed", rawURL)
	}
	canon, err := CanonicalURL(rawURL)
	if err != nil {
		return nil, "", fmt.Errorf("archive: last body of %s: %w", rawURL, err)
	}
	prev, err := s.lastPayloadCapture(ctx, qLastOK, PageID(canon), time.Now().Add(100*365*24*time.Hour))
	if err != nil {
		return nil, "", err
	}
	if prev == nil {
		return nil, "", fmt.Errorf("%w: no stored payload for %s", ErrNotFound, rawURL)
	}
	var file, recordID, digest string
	var offset int64
	err = s.db.QueryRowContext(ctx, `SELECT warc_file, warc_offset, record_id, payload_digest, content_type FROM captures WHERE capture_id = ?`, prev.id).
		Scan(&file, &offset, &recordID, &digest, &contentType)
	if err != nil {
		return nil, "", fmt.Errorf("archive: last body of %s: %w", rawURL, err)
	}
	body, err = s.readPayload(file, offset, recordID, digest)
	if err != nil {
		return nil, "", fmt.Errorf("archive: last body of %s: %w", rawURL, err)
	}
	return body, contentType, nil
}

// LinkSet is the links a crawler followed from a payload (absolute URLs
// and their texts), and the scope that chose them: a crawler whose scope
// has changed since cannot trust them, and reads the payload instead.
type LinkSet struct {
	Scope string         `json:"scope"`
	Links []extract.Link `json:"links"`
}

// LastLinks returns the links recorded with the payload of the page's
// latest complete 200 capture: what a 304 answer links to. It gives nil
// when none were recorded (a capture made before links were kept, or an
// import).
func (s *Store) LastLinks(ctx context.Context, rawURL string) (*LinkSet, error) {
	canon, err := CanonicalURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("archive: last links of %s: %w", rawURL, err)
	}
	prev, err := s.lastPayloadCapture(ctx, qLastOK, PageID(canon), time.Now().Add(100*365*24*time.Hour))
	if err != nil || prev == nil {
		return nil, err
	}
	var links string
	if err := s.queryRow(ctx, nil, qCaptureLinks, prev.id).Scan(&links); err != nil {
		return nil, fmt.Errorf("archive: last links of %s: %w", rawURL, err)
	}
	if links == "" {
		return nil, nil
	}
	var out LinkSet
	if err := json.Unmarshal([]byte(links), &out); err != nil {
		return nil, fmt.Errorf("archive: last links of %s: %w", rawURL, err)
	}
	return &out, nil
}
