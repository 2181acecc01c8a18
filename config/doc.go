// Package config reads staffvoice.toml, the file that says what to crawl
// and how politely, and returns it as plain structs.
//
// It owns the file's format (its keys, their types, the duration and size
// syntax), its validation, and the defaults, which are applied here and
// nowhere else: a site's own value wins, else the [defaults] table's, else
// crawler.DefaultLimits(). staffvoice.example.toml at the top of the
// repository documents every key.
//
// Every problem with the file's content is an *Error naming the file, the
// line and the key, e.g.
//
//	staffvoice.toml:12: sites[1].follow[0]: bad regular expression: missing closing ): `(`
//
// so that commands can tell a bad file (errors.As) from a missing one
// (errors.Is with fs.ErrNotExist).
package config
