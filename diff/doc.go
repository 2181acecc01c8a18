// Package diff compares two versions of an extracted page and says what
// changed, in terms a reader of the page would use: a field of the page's
// metadata, a section added, removed or renamed, a question added,
// removed, moved or reworded, an answer, notes or introduction edited.
//
// The package owns the comparison and the Change type; it does no I/O.
// Callers (the archive, the commands) store or print the Changes.
//
// # What counts as a change
//
// Texts are compared in their folded form (extract.Fold), paragraph by
// paragraph, blank paragraphs left out: differences in spacing or in
// full-width/half-width forms are not changes. Dates are compared as
// YYYY-MM-DD, and mail-form URLs by path and query. A change is thus
// reported exactly where extract.ContentHash sees one, with one
// exception: sections that only changed order are not reported, as no
// kind says so. Old, New and Ops show the texts as written.
//
// # Matching
//
// Sections are matched by folded heading, the k-th of a heading in one
// version with the k-th in the other. The rest are matched by similarity,
// best pairs first, then nearest in position: a quarter heading
// similarity and three quarters content similarity must reach 0.5, so a
// renamed section keeps most of its content, while two interviewees'
// sections, which share only the questions, stay apart.
//
// Questions are matched within a matched section by extract.QuestionKey,
// then the rest by similarity of the question: at least 0.8, or at least
// 0.5 with answers at least 0.5 similar. Japanese questions share
// templates (趣味を教えてください and 志望動機を教えてください are 0.7
// similar), so the text alone would pair unrelated questions. Matched
// questions out of order with respect to a longest run that kept its
// order are reported as moved, so inserting or removing a question moves
// no other.
//
// Similarity is the Sørensen–Dice coefficient of the folded texts'
// character bigrams: 0 for texts that share none, 1 for the same text.
//
// # Determinism
//
// Compare's result depends on its input only. Ops are computed by
// diffmatchpatch within bounds set by the texts' size, not by a clock;
// texts too long to diff by character are diffed by sentence. Compare(b,
// a) mirrors Compare(a, b): added and removed swap, so do Old and New and
// the insertions and deletions of Ops, and every tie in the matching is
// broken the same way round.
package diff
