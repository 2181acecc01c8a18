// Package extract turns one raw staff-voice page into a structured
// Document: title, page number, update and publication dates, breadcrumbs,
// sections per interviewee with their question/answer pairs and footnotes,
// and the contact block.
//
// It is pure: Extract takes the bytes a server sent, the page URL and the
// HTTP Content-Type, and does no I/O. It owns character-set decoding
// (header, BOM, <meta>, then detection among UTF-8, Shift_JIS, EUC-JP and
// ISO-2022-JP), main-content detection, the normalisation used for
// question keys and content hashes, and the extractor version stamped on
// every Document so that old captures can be re-extracted when it changes.
package extract
