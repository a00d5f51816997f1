package svgplot

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func wellFormed(t *rapid.T, b []byte) {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err != nil {
			if err != io.EOF {
				t.Fatalf("malformed SVG: %v", err)
			}
			break
		}
	}
	if bytes.Contains(b, []byte("NaN")) || bytes.Contains(b, []byte("Inf")) {
		t.Fatalf("non-finite coordinates in SVG")
	}
}

func TestPropChartsAreWellFormed(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 30).Draw(t, "n")
		x := rapid.SliceOfN(rapid.Float64Range(-1e4, 1e4), n, n).Draw(t, "x")
		y := rapid.SliceOfN(rapid.Float64Range(0, 1e6), n, n).Draw(t, "y")
		title := rapid.String().Draw(t, "title") // any text, escaped
		var b bytes.Buffer
		if err := Lines(&b, title, "x <axis>", "y & co", []Series{{Name: "a", X: x, Y: y}, {Name: "b", X: x, Y: y, Markers: true}}); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, b.Bytes())
		b.Reset()
		cats := make([]string, n)
		for i := range cats {
			cats[i] = strings.Repeat("c", i%3+1)
		}
		if err := Bars(&b, title, "x", "y", cats, []Series{{Name: "a", Y: y}}); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, b.Bytes())
		b.Reset()
		rows := rapid.IntRange(1, 25).Draw(t, "rows")
		z := make([][]float64, rows)
		var rn []string
		for i := range z {
			z[i] = rapid.SliceOfN(rapid.Float64Range(-5, 5), 4, 4).Draw(t, "z")
			rn = append(rn, "r")
		}
		if err := Heatmap(&b, title, "x", "y", []string{"a", "b", "c", "d"}, rn, z, "%.2f"); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, b.Bytes())
		b.Reset()
		k := rapid.IntRange(1, 5).Draw(t, "states")
		counts := make([][]float64, k)
		states := make([]string, k)
		for i := range counts {
			counts[i] = rapid.SliceOfN(rapid.Float64Range(0, 1000), k, k).Draw(t, "counts")
			states[i] = "s"
		}
		if err := Flow(&b, title, "from", "to", states, counts); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, b.Bytes())
	})
}
