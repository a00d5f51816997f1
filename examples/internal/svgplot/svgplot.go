// Package svgplot draws the few charts the examples need as standalone SVG:
// line charts, grouped bars, heatmaps and a two-column flow diagram. It is a
// small writer of our own (no plotting dependency), with titles, axis
// labels, ticks and legends a person can read.
package svgplot

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
	"unicode/utf8"
)

const (
	width, height = 760, 480
	left, right   = 80, 170
	top, bottom   = 60, 70
)

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"}

// Series is a named line of points.
type Series struct {
	Name string
	X, Y []float64
	// Dashed draws the line dashed (for expectations against actuals).
	Dashed bool
	// Markers draws the points as circles without a line (events).
	Markers bool
}

type canvas struct {
	b              strings.Builder
	x0, x1, y0, y1 float64
}

func (c *canvas) px(x float64) float64 {
	return left + (x-c.x0)/(c.x1-c.x0)*(width-left-right)
}
func (c *canvas) py(y float64) float64 {
	return height - bottom - (y-c.y0)/(c.y1-c.y0)*(height-top-bottom)
}

func (c *canvas) printf(format string, args ...any) { fmt.Fprintf(&c.b, format, args...) }

// esc makes s safe as XML text: characters XML forbids (control
// characters, invalid UTF-8) are dropped, markup characters escaped.
func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || (r >= 0xFFFE && r <= 0xFFFF) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return html.EscapeString(s)
}

func (c *canvas) frame(title, xlabel, ylabel string) {
	c.printf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">`+"\n", width, height, width, height)
	c.printf(`<rect width="100%%" height="100%%" fill="white"/>` + "\n")
	c.printf(`<text x="%d" y="32" font-size="18" font-weight="bold" text-anchor="middle">%s</text>`+"\n", width/2, esc(title))
	c.printf(`<text x="%d" y="%d" font-size="14" text-anchor="middle">%s</text>`+"\n", left+(width-left-right)/2, height-18, esc(xlabel))
	c.printf(`<text x="20" y="%d" font-size="14" text-anchor="middle" transform="rotate(-90 20 %d)">%s</text>`+"\n", top+(height-top-bottom)/2, top+(height-top-bottom)/2, esc(ylabel))
}

// nice returns about n round tick values covering [lo, hi].
func nice(lo, hi float64, n int) []float64 {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

func label(v float64) string {
	if math.Abs(v) >= 1000 || v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

func (c *canvas) axes() {
	for _, t := range nice(c.x0, c.x1, 8) {
		x := c.px(t)
		c.printf(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", x, top, x, height-bottom)
		c.printf(`<text x="%.1f" y="%d" font-size="12" text-anchor="middle">%s</text>`+"\n", x, height-bottom+18, label(t))
	}
	for _, t := range nice(c.y0, c.y1, 6) {
		y := c.py(t)
		c.printf(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", left, y, width-right, y)
		c.printf(`<text x="%d" y="%.1f" font-size="12" text-anchor="end">%s</text>`+"\n", left-8, y+4, label(t))
	}
	c.printf(`<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333"/>`+"\n", left, top, width-left-right, height-top-bottom)
}

func (c *canvas) legend(names []string, dashed []bool) {
	for i, n := range names {
		y := top + 10 + 22*i
		dash := ""
		if dashed != nil && dashed[i] {
			dash = ` stroke-dasharray="6 4"`
		}
		c.printf(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"%s/>`+"\n", width-right+12, y, width-right+40, y, palette[i%len(palette)], dash)
		c.printf(`<text x="%d" y="%d" font-size="13">%s</text>`+"\n", width-right+46, y+4, esc(n))
	}
}

func (c *canvas) done(w io.Writer) error {
	c.printf("</svg>\n")
	_, err := io.WriteString(w, c.b.String())
	return err
}

func bounds(series []Series) (x0, x1, y0, y1 float64) {
	x0, x1, y0, y1 = math.Inf(1), math.Inf(-1), 0, math.Inf(-1)
	for _, s := range series {
		for i := range s.X {
			x0, x1 = math.Min(x0, s.X[i]), math.Max(x1, s.X[i])
			y0, y1 = math.Min(y0, s.Y[i]), math.Max(y1, s.Y[i])
		}
	}
	if math.IsInf(x0, 0) {
		return 0, 1, 0, 1
	}
	if x1 == x0 {
		x1 = x0 + 1
	}
	if y1 <= y0 {
		y1 = y0 + 1
	}
	return x0, x1, y0, y1 * 1.05
}

// Lines draws series as lines with a legend.
func Lines(w io.Writer, title, xlabel, ylabel string, series []Series) error {
	c := &canvas{}
	c.x0, c.x1, c.y0, c.y1 = bounds(series)
	c.frame(title, xlabel, ylabel)
	c.axes()
	var names []string
	var dashed []bool
	for i, s := range series {
		var pts []string
		for j := range s.X {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", c.px(s.X[j]), c.py(s.Y[j])))
		}
		dash := ""
		if s.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		if s.Markers {
			for j := range s.X {
				c.printf(`<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/>`+"\n", c.px(s.X[j]), c.py(s.Y[j]), palette[i%len(palette)])
			}
		} else {
			c.printf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"%s/>`+"\n", strings.Join(pts, " "), palette[i%len(palette)], dash)
		}
		names = append(names, s.Name)
		dashed = append(dashed, s.Dashed)
	}
	c.legend(names, dashed)
	return c.done(w)
}

// Bars draws grouped bars: one group per category, one bar per series.
func Bars(w io.Writer, title, xlabel, ylabel string, categories []string, series []Series) error {
	c := &canvas{x0: 0, x1: float64(len(categories)), y0: 0, y1: 1}
	for _, s := range series {
		for _, v := range s.Y {
			c.y1 = math.Max(c.y1, v*1.1)
		}
	}
	c.frame(title, xlabel, ylabel)
	for _, t := range nice(c.y0, c.y1, 6) {
		y := c.py(t)
		c.printf(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", left, y, width-right, y)
		c.printf(`<text x="%d" y="%.1f" font-size="12" text-anchor="end">%s</text>`+"\n", left-8, y+4, label(t))
	}
	groupW := c.px(1) - c.px(0)
	barW := groupW * 0.8 / float64(max(len(series), 1))
	for gi, cat := range categories {
		x := c.px(float64(gi))
		c.printf(`<text x="%.1f" y="%d" font-size="12" text-anchor="middle">%s</text>`+"\n", x+groupW/2, height-bottom+18, esc(cat))
		for si, s := range series {
			if gi >= len(s.Y) {
				continue
			}
			bx := x + groupW*0.1 + float64(si)*barW
			y := c.py(s.Y[gi])
			c.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", bx, y, barW*0.95, c.py(0)-y, palette[si%len(palette)])
		}
	}
	c.printf(`<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333"/>`+"\n", left, top, width-left-right, height-top-bottom)
	var names []string
	for _, s := range series {
		names = append(names, s.Name)
	}
	c.legend(names, nil)
	return c.done(w)
}

// Heatmap draws z[row][col] as coloured cells, rows bottom-up, with the
// value printed in each cell and a colour scale.
func Heatmap(w io.Writer, title, xlabel, ylabel string, cols, rows []string, z [][]float64, format string) error {
	c := &canvas{x0: 0, x1: float64(len(cols)), y0: 0, y1: float64(len(rows))}
	c.frame(title, xlabel, ylabel)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range z {
		for _, v := range r {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if hi <= lo {
		hi = lo + 1
	}
	color := func(v float64) string {
		t := (v - lo) / (hi - lo)
		// white → dark blue
		r, g, b := 255-int(t*225), 255-int(t*170), 255-int(t*60)
		return fmt.Sprintf("rgb(%d,%d,%d)", r, g, b)
	}
	cw, ch := c.px(1)-c.px(0), c.py(0)-c.py(1)
	for ri, row := range z {
		for ci, v := range row {
			x, y := c.px(float64(ci)), c.py(float64(ri+1))
			c.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="white"/>`+"\n", x, y, cw, ch, color(v))
			if len(cols) <= 20 && len(rows) <= 20 {
				fill := "black"
				if (v-lo)/(hi-lo) > 0.6 {
					fill = "white"
				}
				c.printf(`<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" fill="%s">%s</text>`+"\n", x+cw/2, y+ch/2+4, fill, fmt.Sprintf(format, v))
			}
		}
	}
	step := max(1, len(cols)/12)
	for ci, name := range cols {
		if ci%step == 0 {
			c.printf(`<text x="%.1f" y="%d" font-size="12" text-anchor="middle">%s</text>`+"\n", c.px(float64(ci))+cw/2, height-bottom+18, esc(name))
		}
	}
	step = max(1, len(rows)/12)
	for ri, name := range rows {
		if ri%step == 0 {
			c.printf(`<text x="%d" y="%.1f" font-size="12" text-anchor="end">%s</text>`+"\n", left-8, c.py(float64(ri))-ch/2+4, esc(name))
		}
	}
	// Colour scale.
	for i := range 10 {
		v := lo + (hi-lo)*float64(i)/9
		c.printf(`<rect x="%d" y="%d" width="24" height="20" fill="%s"/>`+"\n", width-right+20, top+200-20*i, color(v))
	}
	c.printf(`<text x="%d" y="%d" font-size="12">%s</text>`+"\n", width-right+50, top+216, fmt.Sprintf(format, lo))
	c.printf(`<text x="%d" y="%d" font-size="12">%s</text>`+"\n", width-right+50, top+34, fmt.Sprintf(format, hi))
	return c.done(w)
}

// Flow draws how many customers moved from each state at one time (left
// column) to each state at the next (right column): bands as wide as the
// counts (a two-column Sankey diagram).
func Flow(w io.Writer, title, fromLabel, toLabel string, states []string, counts [][]float64) error {
	c := &canvas{x0: 0, x1: 1, y0: 0, y1: 1}
	c.frame(title, fromLabel+"  →  "+toLabel, "customers")
	total := 0.0
	for _, r := range counts {
		for _, v := range r {
			total += v
		}
	}
	if total == 0 {
		total = 1
	}
	avail := float64(height-top-bottom) - 8*float64(len(states)-1)
	// A count's height is its share of the total: dividing first keeps it
	// finite however small the total (avail/total would overflow).
	scaled := func(v float64) float64 { return v / total * avail }
	colL, colR := float64(left+40), float64(width-right-60)
	barW := 22.0
	// Left and right stacks.
	leftY, rightY := make([]float64, len(states)), make([]float64, len(states))
	y := float64(top)
	for i := range states {
		leftY[i] = y
		s := 0.0
		for _, v := range counts[i] {
			s += v
		}
		c.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", colL-barW, y, barW, scaled(s), palette[i%len(palette)])
		c.printf(`<text x="%.1f" y="%.1f" font-size="12" text-anchor="end">%s (%.0f)</text>`+"\n", colL-barW-6, y+scaled(s)/2+4, esc(states[i]), s)
		y += scaled(s) + 8
	}
	y = float64(top)
	for j := range states {
		rightY[j] = y
		s := 0.0
		for i := range states {
			s += counts[i][j]
		}
		c.printf(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", colR, y, barW, scaled(s), palette[j%len(palette)])
		c.printf(`<text x="%.1f" y="%.1f" font-size="12">%s (%.0f)</text>`+"\n", colR+barW+6, y+scaled(s)/2+4, esc(states[j]), s)
		y += scaled(s) + 8
	}
	for i := range states {
		for j := range states {
			v := scaled(counts[i][j])
			if v <= 0 {
				continue
			}
			y0, y1 := leftY[i], rightY[j]
			mid := (colL + colR) / 2
			c.printf(`<path d="M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f L%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f Z" fill="%s" fill-opacity="0.35"/>`+"\n",
				colL, y0, mid, y0, mid, y1, colR, y1, colR, y1+v, mid, y1+v, mid, y0+v, colL, y0+v, palette[i%len(palette)])
			leftY[i] += v
			rightY[j] += v
		}
	}
	return c.done(w)
}
