package export

import (
	"strings"
	"time"

	"github.com/staffvoice/staffvoice/archive"
)

// SchemaVersion is the version of the exported tables' schema, written to
// every Parquet file's key/value metadata as staffvoice.schema_version.
// It changes only when a column is removed or changes meaning or type.
const SchemaVersion = "1"

// The Parquet rows of each table. Field order is column order, in Parquet
// and in JSON Lines alike. site is not a column in the files: it is the
// Hive partition (site=NAME) the file lives in.
//
// Dates are int32 days since 1970-01-01 with the date tag: parquet-go
// v0.32.0 writes a time.Time tagged date wrongly (see PITFALLS). An
// optional int32 is null when zero, which makes 1970-01-01 unwritable:
// no recruiting page carries that date.

type pageRecord struct {
	PageID        string    `parquet:"page_id,dict"`
	URL           string    `parquet:"url"`
	Municipality  string    `parquet:"municipality,optional,dict"`
	FirstSeen     time.Time `parquet:"first_seen,timestamp(microsecond)"`
	LastSeen      time.Time `parquet:"last_seen,timestamp(microsecond)"`
	LatestVersion int32     `parquet:"latest_version,optional"`
}

type versionRecord struct {
	PageID           string    `parquet:"page_id,dict"`
	Version          int32     `parquet:"version"`
	CapturedAt       time.Time `parquet:"captured_at,timestamp(microsecond)"`
	ContentHash      string    `parquet:"content_hash"`
	ExtractorVersion string    `parquet:"extractor_version,dict"`
	Title            string    `parquet:"title,dict"`
	PageNumber       string    `parquet:"page_number,dict"`
	Updated          int32     `parquet:"updated,date,optional"`
	Published        int32     `parquet:"published,date,optional"`
	Breadcrumbs      []string  `parquet:"breadcrumbs,list"`
	WARCFile         string    `parquet:"warc_file,dict"`
	WARCOffset       int64     `parquet:"warc_offset"`
	WARCLength       int64     `parquet:"warc_length"`
	PayloadDigest    string    `parquet:"payload_digest"`
}

type qaRecord struct {
	PageID           string    `parquet:"page_id,dict"`
	URL              string    `parquet:"url,dict"`
	Version          int32     `parquet:"version"`
	CapturedAt       time.Time `parquet:"captured_at,timestamp(microsecond)"`
	Updated          int32     `parquet:"updated,date,optional"`
	SectionIndex     int32     `parquet:"section_index"`
	SectionHeading   string    `parquet:"section_heading,dict"`
	QAIndex          int32     `parquet:"qa_index"`
	Question         string    `parquet:"question,dict"`
	QuestionKey      string    `parquet:"question_key,dict"`
	Answer           string    `parquet:"answer"`
	AnswerParagraphs []string  `parquet:"answer_paragraphs,list"`
	Notes            []string  `parquet:"notes,list"`
}

// qaText and changeText are the tables' free-text columns (see table.text).
var (
	qaText     = [][]string{{"answer"}, {"answer_paragraphs", "list", "element"}, {"notes", "list", "element"}}
	changeText = [][]string{{"old"}, {"new"}}
)

type changeRecord struct {
	PageID      string    `parquet:"page_id,dict"`
	URL         string    `parquet:"url,dict"`
	FromVersion int32     `parquet:"from_version"`
	ToVersion   int32     `parquet:"to_version"`
	DetectedAt  time.Time `parquet:"detected_at,timestamp(microsecond)"`
	Kind        string    `parquet:"kind,dict"`
	Section     string    `parquet:"section,dict"`
	Question    string    `parquet:"question,dict"`
	Field       string    `parquet:"field,dict"`
	Old         string    `parquet:"old"`
	New         string    `parquet:"new"`
}

type captureRecord struct {
	PageID        string    `parquet:"page_id,dict"`
	URL           string    `parquet:"url,dict"`
	CapturedAt    time.Time `parquet:"captured_at,timestamp(microsecond)"`
	Status        int32     `parquet:"status,optional"`
	Outcome       string    `parquet:"outcome,dict"`
	ETag          string    `parquet:"etag"`
	LastModified  string    `parquet:"last_modified"`
	ContentType   string    `parquet:"content_type,dict"`
	PayloadDigest string    `parquet:"payload_digest"`
	WARCFile      string    `parquet:"warc_file,dict"`
	WARCOffset    int64     `parquet:"warc_offset"`
	WARCLength    int64     `parquet:"warc_length"`
}

// microseconds is the precision of every exported timestamp, in Parquet
// and JSON Lines alike.
func microseconds(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// days turns a YYYY-MM-DD date into days since 1970-01-01; 0 (null) for
// "" or a date that does not parse, as time.Parse(time.DateOnly) reads
// it. It runs for every Q&A row: time.Parse cost 3% of an export.
func days(date string) int32 {
	if len(date) != len(time.DateOnly) || date[4] != '-' || date[7] != '-' {
		return 0
	}
	y, m, d := number(date[:4]), number(date[5:7]), number(date[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 {
		return 0
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // past the month's end
		return 0
	}
	return int32(t.Unix() / 86400)
}

// number reads decimal digits; -1 if s has anything else.
func number(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func validUTF8(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func pageFrom(r *archive.PageRow, municipalities map[string]string) pageRecord {
	return pageRecord{
		PageID: r.PageID, URL: r.URL, Municipality: municipalities[r.Site],
		FirstSeen: microseconds(r.FirstSeen), LastSeen: microseconds(r.LastSeen),
		LatestVersion: int32(r.LatestVersion),
	}
}

func versionFrom(r *archive.VersionRow) versionRecord {
	return versionRecord{
		PageID: r.PageID, Version: int32(r.Version), CapturedAt: microseconds(r.CapturedAt),
		ContentHash: r.ContentHash, ExtractorVersion: r.ExtractorVersion, Title: r.Title,
		PageNumber: r.PageNumber, Updated: days(r.Updated), Published: days(r.Published),
		Breadcrumbs: nonNil(r.Breadcrumbs), WARCFile: r.WARCFile, WARCOffset: r.WARCOffset,
		WARCLength: r.WARCLength, PayloadDigest: r.PayloadDigest,
	}
}

func qaFrom(r *archive.QARow) qaRecord {
	return qaRecord{
		PageID: r.PageID, URL: r.URL, Version: int32(r.Version), CapturedAt: microseconds(r.CapturedAt),
		Updated: days(r.Updated), SectionIndex: int32(r.SectionIndex), SectionHeading: r.SectionHeading,
		QAIndex: int32(r.QAIndex), Question: r.Question, QuestionKey: r.QuestionKey,
		Answer: strings.Join(r.Answer, "\n"), AnswerParagraphs: nonNil(r.Answer), Notes: nonNil(r.Notes),
	}
}

func changeFrom(r *archive.ChangeRow) changeRecord {
	return changeRecord{
		PageID: r.PageID, URL: r.URL, FromVersion: int32(r.FromVersion), ToVersion: int32(r.ToVersion),
		DetectedAt: microseconds(r.DetectedAt), Kind: r.Kind, Section: r.Section, Question: r.Question,
		Field: r.Field, Old: r.Old, New: r.New,
	}
}

func captureFrom(r *archive.CaptureRow) captureRecord {
	return captureRecord{
		PageID: r.PageID, URL: r.URL, CapturedAt: microseconds(r.CapturedAt), Status: int32(r.Status),
		// Header values may hold any bytes (an imported WARC); Parquet
		// strings must be UTF-8, and JSON Lines would replace them anyway.
		Outcome: r.Outcome, ETag: validUTF8(r.ETag), LastModified: validUTF8(r.LastModified), ContentType: validUTF8(r.ContentType),
		PayloadDigest: r.PayloadDigest, WARCFile: r.WARCFile, WARCOffset: r.WARCOffset, WARCLength: r.WARCLength,
	}
}

// The JSON Lines encoders write the same columns, in the same order and
// with the same values as the Parquet files: dates as "YYYY-MM-DD",
// timestamps as RFC 3339 in UTC with microseconds, lists as arrays, and
// null where Parquet has null.

func (r *pageRecord) appendJSON(b []byte) []byte {
	b = jsonStr(b, `{"page_id":`, r.PageID)
	b = jsonStr(b, `,"url":`, r.URL)
	b = jsonOptStr(b, `,"municipality":`, r.Municipality)
	b = jsonTime(b, `,"first_seen":`, r.FirstSeen)
	b = jsonTime(b, `,"last_seen":`, r.LastSeen)
	b = jsonOptInt(b, `,"latest_version":`, int64(r.LatestVersion))
	return append(b, "}\n"...)
}

func (r *versionRecord) appendJSON(b []byte) []byte {
	b = jsonStr(b, `{"page_id":`, r.PageID)
	b = jsonInt(b, `,"version":`, int64(r.Version))
	b = jsonTime(b, `,"captured_at":`, r.CapturedAt)
	b = jsonStr(b, `,"content_hash":`, r.ContentHash)
	b = jsonStr(b, `,"extractor_version":`, r.ExtractorVersion)
	b = jsonStr(b, `,"title":`, r.Title)
	b = jsonStr(b, `,"page_number":`, r.PageNumber)
	b = jsonDate(b, `,"updated":`, r.Updated)
	b = jsonDate(b, `,"published":`, r.Published)
	b = jsonList(b, `,"breadcrumbs":`, r.Breadcrumbs)
	b = jsonStr(b, `,"warc_file":`, r.WARCFile)
	b = jsonInt(b, `,"warc_offset":`, r.WARCOffset)
	b = jsonInt(b, `,"warc_length":`, r.WARCLength)
	b = jsonStr(b, `,"payload_digest":`, r.PayloadDigest)
	return append(b, "}\n"...)
}

func (r *qaRecord) appendJSON(b []byte) []byte {
	b = jsonStr(b, `{"page_id":`, r.PageID)
	b = jsonStr(b, `,"url":`, r.URL)
	b = jsonInt(b, `,"version":`, int64(r.Version))
	b = jsonTime(b, `,"captured_at":`, r.CapturedAt)
	b = jsonDate(b, `,"updated":`, r.Updated)
	b = jsonInt(b, `,"section_index":`, int64(r.SectionIndex))
	b = jsonStr(b, `,"section_heading":`, r.SectionHeading)
	b = jsonInt(b, `,"qa_index":`, int64(r.QAIndex))
	b = jsonStr(b, `,"question":`, r.Question)
	b = jsonStr(b, `,"question_key":`, r.QuestionKey)
	b = jsonStr(b, `,"answer":`, r.Answer)
	b = jsonList(b, `,"answer_paragraphs":`, r.AnswerParagraphs)
	b = jsonList(b, `,"notes":`, r.Notes)
	return append(b, "}\n"...)
}

func (r *changeRecord) appendJSON(b []byte) []byte {
	b = jsonStr(b, `{"page_id":`, r.PageID)
	b = jsonStr(b, `,"url":`, r.URL)
	b = jsonInt(b, `,"from_version":`, int64(r.FromVersion))
	b = jsonInt(b, `,"to_version":`, int64(r.ToVersion))
	b = jsonTime(b, `,"detected_at":`, r.DetectedAt)
	b = jsonStr(b, `,"kind":`, r.Kind)
	b = jsonStr(b, `,"section":`, r.Section)
	b = jsonStr(b, `,"question":`, r.Question)
	b = jsonStr(b, `,"field":`, r.Field)
	b = jsonStr(b, `,"old":`, r.Old)
	b = jsonStr(b, `,"new":`, r.New)
	return append(b, "}\n"...)
}

func (r *captureRecord) appendJSON(b []byte) []byte {
	b = jsonStr(b, `{"page_id":`, r.PageID)
	b = jsonStr(b, `,"url":`, r.URL)
	b = jsonTime(b, `,"captured_at":`, r.CapturedAt)
	b = jsonOptInt(b, `,"status":`, int64(r.Status))
	b = jsonStr(b, `,"outcome":`, r.Outcome)
	b = jsonStr(b, `,"etag":`, r.ETag)
	b = jsonStr(b, `,"last_modified":`, r.LastModified)
	b = jsonStr(b, `,"content_type":`, r.ContentType)
	b = jsonStr(b, `,"payload_digest":`, r.PayloadDigest)
	b = jsonStr(b, `,"warc_file":`, r.WARCFile)
	b = jsonInt(b, `,"warc_offset":`, r.WARCOffset)
	b = jsonInt(b, `,"warc_length":`, r.WARCLength)
	return append(b, "}\n"...)
}
