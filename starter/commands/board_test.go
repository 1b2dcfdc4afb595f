package commands

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/statute"
)

// boardFor writes the board report for the Timeliness cases, judged on
// 15 April 2026, and returns its path and text.
func boardFor(t *testing.T) (string, string) {
	t.Helper()
	env := useTimeliness(t)
	familiesAnswer(t, env)
	dir := os.Getenv("EHC_BOARD_OUT") // make test keeps the page, its screenshot and PDF in bin/board
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "board.html")
	code, stdout, errOut := runCmd(env, "report", "--html", out, "--authority", "Oakshire County Council")
	if code != ExitOK || !strings.HasPrefix(stdout, "Wrote the board report for 2025-05-01 to 2026-04-15 to "+out) {
		t.Fatalf("exit %d: %s %s", code, stdout, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return out, string(b)
}

// familiesAnswer sends five letters that ask the family-voice question and
// records four answers: in March 2026, P4's final plan (very well), R5's
// request received (not at all) and R7's decision to assess (no answer);
// in April, P6's final plan (well); and one letter of April 2025, before
// the board's year (not at all); and a letter of March never accepted by
// the mail service, which asked no one.
func familiesAnswer(t *testing.T, env *Env) {
	t.Helper()
	ctx := context.Background()
	open, err := env.OpenRegister(ctx, config.Config{})
	if err != nil {
		t.Fatal(err)
	}
	url := open.Pool.Config().ConnString()
	open.Close()
	s, err := register.Connect(ctx, url, register.WithSealer(registertest.Sealer())) // as the worker writes letters: sealed
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, l := range []struct {
		ref    string
		tpl    letters.Template
		on     statute.Date
		answer letters.Answer
		unsent bool
	}{
		{"EHC-R6", letters.FamilyRequestReceived, statute.NewDate(2026, 3, 25), 0, true},
		{"EHC-P4", letters.FamilyFinalPlan, statute.NewDate(2026, 3, 2), letters.AnswerVeryWell, false},
		{"EHC-R5", letters.FamilyRequestReceived, statute.NewDate(2026, 3, 9), letters.AnswerNotAtAll, false},
		{"EHC-R7", letters.FamilyDecisionToAssess, statute.NewDate(2026, 3, 20), 0, false},
		{"EHC-P6", letters.FamilyFinalPlan, statute.NewDate(2026, 4, 6), letters.AnswerWell, false},
		{"EHC-P1", letters.FamilyRequestReceived, statute.NewDate(2025, 4, 1), letters.AnswerNotAtAll, false},
	} {
		key := l.ref + "/" + string(l.tpl) + "/1"
		if _, err := s.OutboxClaim(ctx, register.OutboxEntry{Key: key, CaseRef: l.ref, Template: string(l.tpl), On: l.on, AsksFeedback: true,
			Recipients: []register.OutboxRecipient{{Role: "family", Email: "family@example.org"}}, Subject: "s", Text: "t"}); err != nil {
			t.Fatal(err)
		}
		if !l.unsent {
			if err := s.OutboxSent(ctx, key, "sg-"+key); err != nil {
				t.Fatal(err)
			}
		}
		if l.answer != 0 {
			if _, err := s.RecordFeedback(ctx, key, l.answer); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// The board report says, for the Timeliness cases, what the figures worked
// out by hand say (register/report_test.go): each chart's reading, the
// months' table, what is overdue by limit and caseworker, and the
// Ombudsman estimate. The page fetches nothing and names no child.
func TestReportHTMLBoard(t *testing.T) {
	_, page := boardFor(t)
	for _, want := range []string{
		"Oakshire County Council. As at Wednesday 15 April 2026; the year is 1 May 2025 to 15 Apr 2026.",
		// P6 issued on 6 April 2026, 21 weeks after its request
		"In April 2026, 0 of 1 plans were issued within 20 weeks (0.0%); excluding exception cases, 0 of 1 (0.0%), against England&#39;s 46.4%.",
		// P1 (19 weeks) and P2 (20 to the day) in January
		"<tr><td>January 2026</td><td class=\"n\">2</td><td class=\"n\">2</td><td class=\"n\">100.0%</td><td class=\"n\">2 of 2</td><td class=\"n\">100.0%</td></tr>",
		// P4, an exception case, in March: counted including exceptions only
		"<tr><td>March 2026</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">0.0%</td><td class=\"n\">0 of 0</td><td class=\"n\">-</td></tr>",
		"8 assessments are open: 3 awaiting the decision to assess, 4 being assessed, 1 draft with the family.",
		"2 of 8 open assessments are past 20 weeks from the request",
		"Of 7 advice requests whose outcome is known, 4 (57.1%) arrived within 6 weeks. The service holding most cases up is Children&#39;s Services: 0 of 1 on time.",
		"<tr><td>decision whether to assess</td><td>cw-1</td><td class=\"n\">1</td><td>EHC-R5</td></tr>",
		"<tr><td>final EHC plan</td><td>cw-1</td><td class=\"n\">1</td><td>EHC-O1</td></tr>",
		// R5 30 days (1 month), O2 51 and R7 37 (2 each), P3 42, P5 56 (2 each), P6 7 (1): 10 months at £100;
		// O1 and P4 had exceptions, so are left out
		"If each of the 6 families waiting, or who waited, past a statutory date complained today and the Ombudsman upheld it, the authority would likely be asked for about £1,000.",
		"<tr><td>EHC-R5</td><td>decision whether to assess</td><td>16 Mar 2026</td><td class=\"n\">30</td><td class=\"n\">£100</td></tr>",
		"<tr><td>EHC-P3</td><td>final EHC plan, issued late (met late)</td><td>22 Dec 2025</td><td class=\"n\">42</td><td class=\"n\">£200</td></tr>",
		"<tr><td>March 2026</td><td class=\"n\">3</td><td class=\"n\">£400</td></tr>", // R7 (9th), R5 (16th), P6 (30th)
		// families' answers (familiesAnswer): April's one, then by step and by month; April 2025's is outside the year
		"Of the 1 family who answered about letters sent in April 2026, 1 (100.0%) said we kept them well or very well informed; 1 of 1 letters that asked were answered.",
		"<tr><td>final plan</td><td class=\"n\">2</td><td class=\"n\">2</td><td class=\"n\">2</td><td class=\"n\">100.0%</td></tr>",
		"<tr><td>request received</td><td class=\"n\">1</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">0.0%</td></tr>",
		"<tr><td>decision whether to assess</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">0</td><td class=\"n\">-</td></tr>",
		"<tr><td>March 2026</td><td class=\"n\">3</td><td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">50.0%</td><td>final plan 1 of 1; request received 0 of 1</td></tr>",
		"<tr><td>May 2025</td><td class=\"n\">0</td><td class=\"n\">0</td><td class=\"n\">0</td><td class=\"n\">-</td><td>-</td></tr>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the board report lacks:\n%s", want)
		}
	}
	if _, voice, _ := strings.Cut(page, `<section id="voice">`); strings.Contains(strings.SplitN(voice, "</section>", 2)[0], "EHC-") {
		t.Error("what families say names a case: its figures are counts")
	}
	if n := strings.Count(page, "<svg "); n != 6 {
		t.Errorf("%d charts; want 6", n)
	}
	for _, bad := range []string{"<script", "<link", "src=\"http", "href=\"http", "@import", "url(http", "EHC-P4</td><td>final"} {
		if strings.Contains(page, bad) {
			t.Errorf("the board report has %q: it must open offline and leave out exception cases' estimates", bad)
		}
	}
}

// The board report in a real browser (Debian's Chromium, which make test
// installs where it is missing): every chart drawn with a size, a
// screenshot that is not blank, and a PDF printed to A4. make test keeps
// them in bin/board (board.png, board.pdf).
func TestReportHTMLBoardInABrowser(t *testing.T) {
	path, _ := boardFor(t)
	browser := os.Getenv("EHC_CHROMIUM")
	if browser == "" {
		browser = "/usr/bin/chromium"
	}
	if _, err := os.Stat(browser); err != nil {
		t.Fatalf("no Chromium at %s (make test installs Debian's chromium; or set EHC_CHROMIUM): %v", browser, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.WindowSize(1024, 1400))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.CSS("#exposure"))); err != nil {
		t.Fatal(err)
	}
	sizes, err := chromedp.Run(ctx, chromedp.Evaluate[[]map[string]float64](`[...document.querySelectorAll("figure svg")].map(s => {
		const r = s.getBoundingClientRect(); return {w: r.width, h: r.height, marks: s.querySelectorAll("path,rect,line,polyline").length}; })`))
	if err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 6 {
		t.Errorf("%d charts drawn; want 6", len(sizes))
	}
	for i, s := range sizes {
		if s["w"] < 300 || s["h"] < 100 || s["marks"] < 5 {
			t.Errorf("chart %d drawn %vx%v with %v marks: too small or empty", i+1, s["w"], s["h"], s["marks"])
		}
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: a PNG
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot: %v", err)
	}
	inked, all := 0, 0
	bnd := img.Bounds()
	for y := bnd.Min.Y; y < bnd.Max.Y; y += 4 {
		for x := bnd.Min.X; x < bnd.Max.X; x += 4 {
			r, g, b, _ := img.At(x, y).RGBA()
			all++
			if r < 0xd000 || g < 0xd000 || b < 0xd000 {
				inked++
			}
		}
	}
	if bnd.Dy() < 2000 || inked*100 < all*2 {
		t.Errorf("the screenshot is %dx%d with %d of %d samples inked: blank or cut short", bnd.Dx(), bnd.Dy(), inked, all)
	}
	pages := bytes.Count(pdf, []byte("/Type /Page")) - bytes.Count(pdf, []byte("/Type /Pages"))
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 20_000 || pages < 2 {
		t.Errorf("the PDF: %d bytes, %d pages; want a report of several A4 pages", len(pdf), pages)
	}
	if !bytes.Contains(pdf, []byte("/MediaBox [0 0 594.9")) {
		t.Errorf("the PDF's pages are not A4 (595 x 842 points)")
	}
	dir := filepath.Dir(path)
	for name, b := range map[string][]byte{"board.png": shot, "board.pdf": pdf} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The board report's flags are checked before the register is reached.
func TestReportHTMLRefusals(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--html", "board.pdf"}, "name the file .html"},
		{[]string{"--html", ".html"}, "name the file .html"},
		{[]string{"--html", "b.html", "--json"}, "give it without --from, --to, --json or --csv"},
		{[]string{"--authority", "Oakshire"}, "give it with --html FILE.html"},
		{[]string{"--html", "b.html", "--authority", strings.Repeat("x", 101)}, "--authority"},
	} {
		code, _, errOut := runCmd(noRegister(t), append([]string{"report"}, c.args...)...)
		if code != ExitUsage || !strings.Contains(errOut, c.want) {
			t.Errorf("report %q: exit %d, %s; want a usage error saying %q", c.args, code, errOut, c.want)
		}
	}
}
