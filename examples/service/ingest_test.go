package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

var fuzzLimits = Limits{MaxRows: 50, MaxRowBytes: 512}.withDefaults()

// checkParsed is the parsers' contract: an error is a *clv.ParseError or
// too many rows; every row returned is one the database accepts.
func checkParsed(t *testing.T, rows []row, err error) {
	t.Helper()
	if err != nil {
		if !errors.As(err, new(*clv.ParseError)) && !errors.Is(err, errTooManyRows) {
			t.Fatalf("error %T: %v", err, err)
		}
		return
	}
	if len(rows) > fuzzLimits.MaxRows {
		t.Fatalf("%d rows over the limit of %d", len(rows), fuzzLimits.MaxRows)
	}
	for i, r := range rows {
		switch {
		case r.customer == "" || len(r.customer) > maxField || len(r.product) > maxField ||
			len(r.channel) > maxField || len(r.transactionID) > maxField:
			t.Fatalf("row %d: bad text fields %+v", i, r)
		case r.amount.IsNegative() || r.amount.Exponent() < -clv.MonetaryScale:
			t.Fatalf("row %d: bad amount %v", i, r.amount)
		case r.time.Location() != time.UTC || r.time.Year() < 1000 || r.time.Year() > 9999:
			t.Fatalf("row %d: bad time %v", i, r.time)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add("customer_id,time,amount\nc1,2024-01-01,1.5\n")
	f.Add("transaction_id,amount,time,customer_id,product,channel\nt1,0,2024-01-01T10:00:00+02:00,c,p,web\n")
	f.Add("customer_id,time,amount\n\"c\n1\",2024-01-01,1e2\n")
	f.Add("customer_id,time,amount\nc1,2024-01-01,-1\n")
	f.Add("\ufeffcustomer_id,time,amount\r\nc1,2024-01-01,1\r\n")
	f.Fuzz(func(t *testing.T, body string) {
		rows, err := parseCSV(strings.NewReader(body), parser{loc: time.UTC}, fuzzLimits)
		checkParsed(t, rows, err)
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add(`[{"customer_id":"c1","time":"2024-01-01","amount":1.5}]`)
	f.Add(`[{"customer_id":"c1","time":"2024-01-01T00:00:00Z","amount":"2","transaction_id":"t","product":null}]`)
	f.Add(`[{"customer_id":"c\"1","time":"2024-01-01","amount":1e-3}, {"x":[1,{"y":"]"}]}]`)
	f.Add(`[[[[`)
	f.Fuzz(func(t *testing.T, body string) {
		rows, err := parseJSON(strings.NewReader(body), parser{loc: time.UTC}, fuzzLimits)
		checkParsed(t, rows, err)
	})
}

// TestTimesAndZones checks the two time forms and the -tz zone.
func TestTimesAndZones(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	for _, c := range []struct {
		loc  *time.Location
		in   string
		want string
	}{
		{time.UTC, "2024-03-10", "2024-03-10T00:00:00Z"},
		{ny, "2024-03-10", "2024-03-10T05:00:00Z"},
		{ny, "2024-03-10T12:00:00+01:00", "2024-03-10T11:00:00Z"},
		{time.UTC, "2024-03-10T12:00:00.123456789Z", "2024-03-10T12:00:00.123456789Z"},
	} {
		got, err := parser{loc: c.loc}.parseTime(c.in)
		if err != nil || got.Format(time.RFC3339Nano) != c.want {
			t.Errorf("%s in %s: %v %v, want %s", c.in, c.loc, got, err, c.want)
		}
	}
}
