//go:build race

package extract

// raceEnabled: the tests run under the race detector, which makes the
// long differential tests ten times slower and finds nothing in them
// (each runs in one goroutine), so they check fewer cases.
const raceEnabled = true
