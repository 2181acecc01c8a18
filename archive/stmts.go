package archive

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// stmts caches prepared statements by their text, so that SQLite parses
// each statement once rather than once per capture (parsing was a fifth
// of the time of recording one).
type stmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// prepare readies the statements Record runs for every capture. It runs
// at open, outside any transaction: the writer has one connection, which
// a transaction holds.
func (s *Store) prepare(ctx context.Context, queries ...string) error {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if s.stmts.m == nil {
		s.stmts.m = map[string]*sql.Stmt{}
	}
	for _, q := range queries {
		st, err := s.db.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("archive: prepare: %w", err)
		}
		s.stmts.m[q] = st
	}
	return nil
}

// cached returns the prepared statement for query, bound to tx when given,
// or nil when the query was not prepared.
func (s *Store) cached(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	s.stmts.mu.Lock()
	st := s.stmts.m[query]
	s.stmts.mu.Unlock()
	if st != nil && tx != nil {
		st = tx.StmtContext(ctx, st)
	}
	return st
}

// exec runs a statement, in tx when given.
func (s *Store) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st := s.cached(ctx, tx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	if tx != nil {
		return tx.ExecContext(ctx, query, args...)
	}
	return s.db.ExecContext(ctx, query, args...)
}

// querier is a database or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryRow runs a query for one row, in tx when given.
func (s *Store) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st := s.cached(ctx, tx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	if tx != nil {
		return tx.QueryRowContext(ctx, query, args...)
	}
	return s.db.QueryRowContext(ctx, query, args...)
}

func (c *stmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}
