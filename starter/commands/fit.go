package commands

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// screenWidth is the widest line ehc status prints, in runes.
const screenWidth = 100

// fitted is a table laid out like table (columns three spaces apart, no
// padding at the ends of lines) that keeps every line within a width: while
// the rows are too wide, the widest column that may wrap is narrowed (no
// further than its floor), and its cells are wrapped at spaces onto further
// lines (a word longer than the column is broken). A newline in a cell
// starts a new line in it. Should the wrapping columns reach their floors
// with the rows still too wide, any column is narrowed, to minAny.
type fitted struct {
	indent string
	width  int
	floors map[int]int // the columns that may wrap, and how narrow they may get
	rows   [][]string
}

// newFitted starts a table whose lines begin with indent and fit width.
func newFitted(indent string, width int) *fitted {
	return &fitted{indent: indent, width: width, floors: map[int]int{}}
}

// wraps lets column col wrap, down to floor runes wide.
func (f *fitted) wraps(col, floor int) *fitted {
	f.floors[col] = floor
	return f
}

// row adds one row of cells.
func (f *fitted) row(cells ...string) {
	for i, c := range cells {
		cells[i] = printable(c)
	}
	f.rows = append(f.rows, cells)
}

// minAny is the narrowest any column is made when the wrapping columns
// cannot narrow enough.
const minAny = 4

// widths are the columns' widths once fitted.
func (f *fitted) widths() []int {
	var widths []int
	for _, r := range f.rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			for _, l := range strings.Split(c, "\n") {
				widths[i] = max(widths[i], runes(l))
			}
		}
	}
	total := func() int {
		n := runes(f.indent) + 3*max(len(widths)-1, 0)
		for _, w := range widths {
			n += w
		}
		return n
	}
	for _, wrapping := range []bool{true, false} {
		for total() > f.width {
			widest := -1
			for i, w := range widths {
				floor, ok := f.floors[i]
				if !wrapping {
					floor, ok = minAny, true
				}
				if ok && w > floor && (widest < 0 || w > widths[widest]) {
					widest = i
				}
			}
			if widest < 0 {
				break
			}
			widths[widest]--
		}
	}
	return widths
}

// write lays the table out on w.
func (f *fitted) write(w io.Writer) error {
	widths := f.widths()
	var b strings.Builder
	for _, r := range f.rows {
		cells := make([][]string, len(r))
		height := 0
		for i, c := range r {
			cells[i] = wrapText(c, widths[i])
			height = max(height, len(cells[i]))
		}
		for l := 0; l < height; l++ {
			line := f.indent
			for i, c := range cells {
				text := ""
				if l < len(c) {
					text = c[l]
				}
				if i > 0 {
					line += "   "
				}
				line += text
				if i < len(cells)-1 {
					line += strings.Repeat(" ", widths[i]-runes(text))
				}
			}
			b.WriteString(strings.TrimRight(line, " ") + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeWrapped writes s wrapped to width, each line after the first
// indented by indent.
func writeWrapped(w io.Writer, s string, width int, indent string) error {
	lines := wrapText(printable(s), width)
	for i := 1; i < len(lines); i++ {
		lines[i] = indent + lines[i]
	}
	// Continuation lines are indented, so rewrap what the indent pushed over.
	if len(lines) > 1 && indent != "" {
		rest := wrapText(strings.Join(lines[1:], " "), width-runes(indent))
		lines = lines[:1]
		for _, l := range rest {
			lines = append(lines, indent+l)
		}
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n")+"\n")
	return err
}

// wrapText breaks s into lines of at most width runes, at spaces where it
// can; its own newlines are kept.
func wrapText(s string, width int) []string {
	width = max(width, 1)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		var line string
		for _, word := range strings.Fields(para) {
			for runes(word) > width { // a word too long for any line
				if line != "" {
					out, line = append(out, line), ""
				}
				cut := byteIndexOfRune(word, width)
				out, word = append(out, word[:cut]), word[cut:]
			}
			switch {
			case line == "":
				line = word
			case runes(line)+1+runes(word) <= width:
				line += " " + word
			default:
				out, line = append(out, line), word
			}
		}
		out = append(out, line)
	}
	return out
}

// printable is s with tabs and other control characters but newlines as
// spaces, so they cannot upset the layout.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\n' && unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ReplaceAll(s, "\r\n", "\n"))
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// byteIndexOfRune is the byte offset of s's n-th rune.
func byteIndexOfRune(s string, n int) int {
	i := 0
	for j := range s {
		if i == n {
			return j
		}
		i++
	}
	return len(s)
}
