// Package export writes the archive's catalog out as research tables:
// pages, versions, qa, changes and captures, in Parquet (zstd) and JSON
// Lines, in Hive-style partitions by site.
//
// It owns the tables' published schema (see the README's "Exports"
// section and SchemaVersion): column names, types and meanings do not
// change within a schema version. Rows stream from a Source a partition
// at a time, so an export never holds a whole table in memory, and each
// file is written under a temporary name and renamed into place.
package export
