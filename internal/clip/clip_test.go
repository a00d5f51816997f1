package clip

import (
	"strings"
	"testing"
	"unicode/utf8"

	"pgregory.net/rapid"
)

func TestValue(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{strings.Repeat("x", 40), strings.Repeat("x", 40)},
		{strings.Repeat("x", 41), strings.Repeat("x", 40) + "…(41 bytes)"},
		{strings.Repeat("é", 50), strings.Repeat("é", 40) + "…(100 bytes)"},
	} {
		if got := Value(c.in); got != c.want {
			t.Errorf("Value(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Float(1e300); got != "1e+300" {
		t.Errorf("Float(1e300) = %q", got)
	}
}

func TestValueProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.String().Draw(t, "s")
		got := Value(s)
		if utf8.RuneCountInString(s) <= Max {
			if got != s {
				t.Fatalf("short value changed: %q -> %q", s, got)
			}
			return
		}
		if !strings.HasPrefix(s, strings.SplitN(got, "…(", 2)[0]) {
			t.Fatalf("%q is not a prefix cut of %q", got, s)
		}
		if len(got) > 4*Max+30 {
			t.Fatalf("cut value too long: %d bytes", len(got))
		}
	})
}
