package export

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/staffvoice/staffvoice/archive"
	"github.com/staffvoice/staffvoice/extract"
	"github.com/staffvoice/staffvoice/internal/gctune"
)

// synthetic is a Source that makes up an archive: pages × versions ×
// sections × questions, spread over sites, with Japanese answers drawn
// from a vocabulary so that they repeat about as much as real ones (the
// same questions everywhere, answers that differ).
type synthetic struct {
	sites, pagesPerSite, versions, sectionsPerPage, questions int
	sentences                                                 []string
}

func newSynthetic(sites, pagesPerSite, versions, sections, questions int) synthetic {
	g := synthetic{sites: sites, pagesPerSite: pagesPerSite, versions: versions, sectionsPerPage: sections, questions: questions}
	r := rand.New(rand.NewPCG(1, 2))
	for range 1 << 16 {
		g.sentences = append(g.sentences, g.sentence(r))
	}
	return g
}

var (
	synthWords     = strings.Fields(`区役所 職員 仕事 区民 窓口 福祉 子育て 地域 まちづくり 道路 公園 清掃 税務 保険 防災 計画 相談 支援 研修 先輩 上司 同期 係長 課長 異動 経験 知識 資格 採用 試験 面接 家庭 育児 休暇 制度 働き方 やりがい 責任 成長 挑戦 協力 調整 説明会 事業者 現地 確認 書類 手続き 申請 予算 議会 条例 住民 高齢者 障害者 学校 図書館 環境 リサイクル 交通 住宅 都市 農業 商店街 観光 文化 スポーツ 国際 情報 システム デジタル 広報 統計 会計 契約 人事 総務`)
	synthQuestions = []string{"練馬区を志望した理由は？", "どのような仕事をしていますか？", "仕事のやりがいは？", "職場の雰囲気は？", "印象に残っている仕事は？",
		"入区前と入区後でイメージは変わりましたか？", "ワークライフバランスは？", "今後の目標は？", "受験者へのメッセージ", "研修制度について教えてください。"}
)

func (g synthetic) sentence(r *rand.Rand) string {
	var b strings.Builder
	n := 6 + r.IntN(10)
	for i := 0; i < n; i++ {
		b.WriteString(synthWords[r.IntN(len(synthWords))])
		switch r.IntN(4) {
		case 0:
			b.WriteString("の")
		case 1:
			b.WriteString("を")
		case 2:
			b.WriteString("に")
		default:
			b.WriteString("や")
		}
	}
	b.WriteString("しています。")
	return b.String()
}

func (g synthetic) page(s, p int) (site, url, id string) {
	site = fmt.Sprintf("city%03d", s)
	url = fmt.Sprintf("https://www.%s.example.lg.jp/saiyo/koe/page%05d.html", site, p)
	return site, url, archive.PageID(url)
}

var synthStart = time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)

func (g synthetic) ExportSites(ctx context.Context, f archive.ExportFilter) ([]string, error) {
	var sites []string
	for s := range g.sites {
		if site, _, _ := g.page(s, 0); g.keeps(f, site) {
			sites = append(sites, site)
		}
	}
	return sites, nil
}

// keeps is whether the filter keeps a site's rows.
func (g synthetic) keeps(f archive.ExportFilter, site string) bool {
	return len(f.Sites) == 0 || slices.Contains(f.Sites, site)
}

func (g synthetic) ExportPages(ctx context.Context, f archive.ExportFilter, fn func(archive.PageRow) error) error {
	for s := range g.sites {
		for p := range g.pagesPerSite {
			site, url, id := g.page(s, p)
			if !g.keeps(f, site) {
				break
			}
			if err := fn(archive.PageRow{PageID: id, URL: url, Site: site, FirstSeen: synthStart, LastSeen: synthStart.AddDate(1, 0, 0), LatestVersion: g.versions}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g synthetic) ExportVersions(ctx context.Context, f archive.ExportFilter, fn func(archive.VersionRow) error) error {
	for s := range g.sites {
		for p := range g.pagesPerSite {
			site, url, id := g.page(s, p)
			if !g.keeps(f, site) {
				break
			}
			for v := 1; v <= g.versions; v++ {
				at := synthStart.AddDate(0, v, 0)
				err := fn(archive.VersionRow{PageID: id, URL: url, Site: site, Version: v, CapturedAt: at,
					ContentHash: fmt.Sprintf("sha256:%064x", s*1e6+p*100+v), ExtractorVersion: "1.0.0", Title: "職員の声",
					PageNumber: fmt.Sprintf("%03d-%03d", s, p), Updated: at.Format(time.DateOnly), Breadcrumbs: []string{"ホーム", "職員採用", "職員の声"},
					WARCFile: "staffvoice-20240401000000-00001.warc.gz", WARCOffset: int64(p * 50000), WARCLength: 48000, PayloadDigest: "sha1:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"})
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (g synthetic) ExportQA(ctx context.Context, f archive.ExportFilter, fn func(archive.QARow) error) error {
	for s := range g.sites {
		for p := range g.pagesPerSite {
			site, url, id := g.page(s, p)
			if !g.keeps(f, site) {
				break
			}
			for v := 1; v <= g.versions; v++ {
				at := synthStart.AddDate(0, v, 0)
				for si, sec := range g.sections(s, p, v) {
					for qi, q := range sec.QA {
						err := fn(archive.QARow{PageID: id, URL: url, Site: site, Version: v, CapturedAt: at, Updated: at.Format(time.DateOnly),
							ExtractorVersion: "1.0.0", SectionIndex: si, SectionHeading: sec.Heading, QAIndex: qi, Question: q.Question,
							QuestionKey: q.QuestionKey, Answer: q.Answer, Notes: q.Notes})
						if err != nil {
							return err
						}
					}
				}
			}
		}
	}
	return nil
}

// sections makes up version v of page p of site s: as on a real page,
// 1 or 2 paragraphs of about 400 bytes per answer (the Nerima page: 1.4
// paragraphs of 398 bytes), and each version changes one answer of the
// version before.
func (g synthetic) sections(s, p, v int) []extract.Section {
	secs := make([]extract.Section, g.sectionsPerPage)
	for si := range secs {
		secs[si].Heading = fmt.Sprintf("職員インタビュー%d（令和%d年度採用）", si+1, 1+si)
		for q := range g.questions {
			// Version u > 1 changed the page's question (u-2) mod
			// its count: the answer is as the last such version up to
			// v made it.
			seed := 0
			for u := 2; u <= v; u++ {
				if (u-2)%(g.sectionsPerPage*g.questions) == si*g.questions+q {
					seed = u
				}
			}
			r := rand.New(rand.NewPCG(uint64(s*1e6+p*100+si*10+q), uint64(seed)))
			paras := make([]string, 1+r.IntN(2))
			for i := range paras {
				paras[i] = g.sentences[r.IntN(len(g.sentences))] + g.sentences[r.IntN(len(g.sentences))] + g.sentences[r.IntN(len(g.sentences))]
			}
			var notes []string
			if q == 0 {
				notes = []string{"【注】所属・職名は取材当時のものです。"}
			}
			question := synthQuestions[(si*g.questions+q)%len(synthQuestions)]
			secs[si].QA = append(secs[si].QA, extract.QA{Question: question, QuestionKey: strings.TrimSuffix(question, "？"), Answer: paras, Notes: notes})
		}
	}
	return secs
}

func (g synthetic) ExportChanges(ctx context.Context, f archive.ExportFilter, fn func(archive.ChangeRow) error) error {
	return nil
}

func (g synthetic) ExportCaptures(ctx context.Context, f archive.ExportFilter, fn func(archive.CaptureRow) error) error {
	return nil
}

// BenchmarkExport exports 1,000,000 Q&A rows (50,000 versions: 50 sites ×
// 200 pages × 5 versions, 2 sections × 10 questions each) in each format,
// and reports Q&A rows/s, peak RSS and the Parquet/JSONL size ratio.
func BenchmarkExport(b *testing.B) {
	gctune.Tune() // as staffvoice export does
	g := newSynthetic(50, 200, 5, 2, 10)
	sizes := map[Format]int64{}
	for _, bc := range []struct {
		name   string
		format Format
	}{{"parquet", Parquet}, {"jsonl", JSONL}, {"both", Both}} {
		b.Run(bc.name, func(b *testing.B) {
			var qaRows int64
			for b.Loop() {
				out := b.TempDir()
				st, err := Export(context.Background(), g, Options{Out: out, Formats: bc.format})
				if err != nil {
					b.Fatal(err)
				}
				qaRows = st.Tables[2].Rows
				sizes[bc.format] = dirSize(b, filepath.Join(out, "qa"))
			}
			b.ReportMetric(float64(qaRows)*float64(b.N)/b.Elapsed().Seconds(), "qa_rows/s")
			b.ReportMetric(float64(sizes[bc.format])/1e6, "qa_MB")
			b.ReportMetric(float64(maxRSS())/(1<<20), "peak_RSS_MB")
			if sizes[Parquet] > 0 && sizes[JSONL] > 0 && bc.format == JSONL {
				b.ReportMetric(100*float64(sizes[Parquet])/float64(sizes[JSONL]), "parquet_%_of_jsonl")
			}
		})
	}
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			n += info.Size()
		}
		return err
	})
	return n
}

// maxRSS is the process's peak resident set size so far, in bytes.
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024 // kilobytes on Linux
}
