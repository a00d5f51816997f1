package pesca

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// Sequences holds "what comes next" statistics: how often customers
// acquired product B after product A (ordered first acquisitions: iPhone →
// Watch → iPad → MacBook). Counts merge exactly, so the model can be
// updated as purchases arrive.
//
// The zero value is empty and ready to use. A nil *Sequences reads as empty
// (Transitions, Next, Paths) and is an error to add to or merge into. A
// Sequences is not safe for concurrent use: give each goroutine its own and
// Merge them.
type Sequences struct {
	customers int
	first     map[string]int            // customers who acquired the product
	after     map[string]map[string]int // A → B → customers who acquired B after A
	paths     map[string]int            // acquisition order (products joined by \x00) → customers
}

// NewSequences returns empty statistics, the same as new(Sequences).
func NewSequences() *Sequences {
	return &Sequences{first: map[string]int{}, after: map[string]map[string]int{}, paths: map[string]int{}}
}

func (s *Sequences) init() {
	if s.first == nil {
		s.first = map[string]int{}
	}
	if s.after == nil {
		s.after = map[string]map[string]int{}
	}
	if s.paths == nil {
		s.paths = map[string]int{}
	}
}

// AddCustomer records one customer's purchases (any order; all of the same
// customer, valid as clv.Transaction.Validate requires). Each product
// counts at its first purchase day, the calendar day in loc (nil means UTC)
// by the SDK's one rule, clv.CalendarDay; products first bought on the same
// day are not ordered against each other. Purchases without a product are
// ignored, and product names must not contain NUL. A customer with no
// product still counts towards the customers.
func (s *Sequences) AddCustomer(purchases []clv.Purchase, loc *time.Location) error {
	if s == nil {
		return fmt.Errorf("%w: AddCustomer to a nil *Sequences", ErrInvalidInput)
	}
	firstDay := map[string]int64{}
	for i, p := range purchases {
		if err := checkPurchase(p); err != nil {
			return fmt.Errorf("purchase %d: %w", i, err)
		}
		if p.Customer != purchases[0].Customer {
			return fmt.Errorf("%w: purchase %d: customer %s in the purchases of customer %s", ErrInvalidInput, i, clip.Quote(p.Customer), clip.Quote(purchases[0].Customer))
		}
		if p.Product == "" {
			continue
		}
		if strings.ContainsRune(p.Product, 0) {
			return fmt.Errorf("%w: purchase %d: customer %s: product %s contains NUL", ErrInvalidInput, i, clip.Quote(p.Customer), clip.Quote(p.Product))
		}
		d := clv.CalendarDay(p.Time, loc)
		if f, ok := firstDay[p.Product]; !ok || d < f {
			firstDay[p.Product] = d
		}
	}
	s.init()
	s.customers++
	products := slices.SortedFunc(maps.Keys(firstDay), func(a, b string) int { return cmp.Or(cmp.Compare(firstDay[a], firstDay[b]), cmp.Compare(a, b)) })
	for i, a := range products {
		s.first[a]++
		for _, b := range products[i+1:] {
			if firstDay[b] > firstDay[a] {
				if s.after[a] == nil {
					s.after[a] = map[string]int{}
				}
				s.after[a][b]++
			}
		}
	}
	if len(products) > 0 {
		s.paths[strings.Join(products, "\x00")]++
	}
	return nil
}

// Merge adds other's counts to s, leaving other unchanged (s.Merge(s)
// doubles every count). Either being nil is an error.
func (s *Sequences) Merge(other *Sequences) error {
	switch {
	case s == nil:
		return fmt.Errorf("%w: Merge into a nil *Sequences", ErrInvalidInput)
	case other == nil:
		return fmt.Errorf("%w: Merge of a nil *Sequences", ErrInvalidInput)
	case other == s:
		other = s.clone()
	}
	s.init()
	s.customers += other.customers
	for p, c := range other.first {
		s.first[p] += c
	}
	for a, m := range other.after {
		if s.after[a] == nil {
			s.after[a] = map[string]int{}
		}
		for b, c := range m {
			s.after[a][b] += c
		}
	}
	for p, c := range other.paths {
		s.paths[p] += c
	}
	return nil
}

func (s *Sequences) clone() *Sequences {
	c := &Sequences{customers: s.customers, first: maps.Clone(s.first), paths: maps.Clone(s.paths), after: make(map[string]map[string]int, len(s.after))}
	for a, m := range s.after {
		c.after[a] = maps.Clone(m)
	}
	return c
}

// Transition is the statistics of "B follows A".
type Transition struct {
	From, To string
	// Support is the share of customers who acquired To after From;
	// Confidence that share among those who acquired From; Lift the
	// confidence over the share of all customers who acquired To.
	Support, Confidence, Lift float64
	Customers                 int
}

// transition needs a non-nil s.
func (s *Sequences) transition(a, b string) Transition {
	n := float64(s.customers)
	c := s.after[a][b]
	t := Transition{From: a, To: b, Customers: c}
	if n == 0 || s.first[a] == 0 {
		return t
	}
	t.Support = float64(c) / n
	t.Confidence = float64(c) / float64(s.first[a])
	if pb := float64(s.first[b]) / n; pb > 0 {
		t.Lift = t.Confidence / pb
	}
	return t
}

// Transitions returns every observed "B after A" with its statistics,
// sorted by confidence then support (descending), then names. Support and
// confidence are in [0, 1], lift ≥ 0.
func (s *Sequences) Transitions() []Transition {
	if s == nil {
		return nil
	}
	var out []Transition
	for a, m := range s.after {
		for b := range m {
			out = append(out, s.transition(a, b))
		}
	}
	sortTransitions(out)
	return out
}

func sortTransitions(ts []Transition) {
	slices.SortFunc(ts, func(x, y Transition) int {
		return cmp.Or(cmp.Compare(y.Confidence, x.Confidence), cmp.Compare(y.Support, x.Support), cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To))
	})
}

// Next returns the k most likely next products (k ≤ 0 means all) for a
// customer holding held: for each product not held, the strongest
// transition from a held product (by confidence, then support, then the
// held product's name), best first.
func (s *Sequences) Next(held []string, k int) []Transition {
	if s == nil {
		return nil
	}
	best := map[string]Transition{}
	for _, a := range held {
		for b := range s.after[a] {
			if slices.Contains(held, b) {
				continue
			}
			t := s.transition(a, b)
			if cur, ok := best[b]; !ok || t.Confidence > cur.Confidence || (t.Confidence == cur.Confidence && (t.Support > cur.Support || t.Support == cur.Support && t.From < cur.From)) {
				best[b] = t
			}
		}
	}
	out := slices.Collect(maps.Values(best))
	sortTransitions(out)
	if k > 0 && len(out) > k {
		out = out[:k]
	}
	return out
}

// Path is an acquisition order shared by customers.
type Path struct {
	Products  []string
	Customers int
}

// Paths returns the k most common full acquisition orders (k ≤ 0 means
// all; ties by order), most common first.
func (s *Sequences) Paths(k int) []Path {
	if s == nil {
		return nil
	}
	out := make([]Path, 0, len(s.paths))
	for p, c := range s.paths {
		out = append(out, Path{Products: strings.Split(p, "\x00"), Customers: c})
	}
	slices.SortFunc(out, func(a, b Path) int {
		return cmp.Or(cmp.Compare(b.Customers, a.Customers), slices.Compare(a.Products, b.Products))
	})
	if k > 0 && len(out) > k {
		out = out[:k]
	}
	return out
}
