package clv

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones below, whatever the machine has installed

	"pgregory.net/rapid"
)

// calendarZones are zones with the awkward cases: half-hour and 45-minute
// offsets, ±14 hours, daylight saving at midnight (Sao Paulo, Havana,
// Santiago), and a skipped date (Apia).
var calendarZones = []string{"UTC", "America/New_York", "America/Sao_Paulo", "America/Havana", "America/Santiago",
	"Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Apia", "Pacific/Kiritimati", "Pacific/Niue", "Europe/Dublin"}

func genLocation(t *rapid.T) *time.Location {
	switch rapid.IntRange(0, 2).Draw(t, "locKind") {
	case 0:
		return nil
	case 1:
		off := rapid.IntRange(-14*3600, 14*3600).Draw(t, "offset")
		return time.FixedZone("fixed", off)
	}
	loc, err := time.LoadLocation(rapid.SampledFrom(calendarZones).Draw(t, "zone"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestCalendarDayTable(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	late := time.Date(2024, 1, 1, 23, 30, 0, 0, time.FixedZone("-05:00", -5*3600))
	for _, c := range []struct {
		loc  *time.Location
		want string
	}{{nil, "2024-01-02"}, {time.UTC, "2024-01-02"}, {ny, "2024-01-01"}, {time.FixedZone("+14", 14*3600), "2024-01-02"}} {
		got := CalendarDay(late, c.loc)
		y, m, d := civilFromDays(got)
		if s := time.Date(int(y), time.Month(m), d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly); s != c.want {
			t.Errorf("CalendarDay(%v, %v) = %s, want %s", late, c.loc, s, c.want)
		}
	}
	if CalendarDay(time.Unix(-1, 0), nil) != -1 || CalendarDay(time.Unix(0, 0), nil) != 0 || CalendarDay(time.Unix(86399, 0), nil) != 0 {
		t.Error("day numbers around the epoch")
	}
	if n := DaysBetween(late, late.Add(time.Hour), ny); n != 1 {
		t.Errorf("23:30 to 00:30 in New York: %d days, want 1", n)
	}
	// Skipped midnights and a skipped date.
	for _, c := range []struct {
		zone, date, want string
	}{
		{"America/Sao_Paulo", "2018-11-04", "2018-11-04T01:00:00-02:00"},
		{"America/Havana", "2024-03-10", "2024-03-10T01:00:00-04:00"},
		{"Pacific/Apia", "2011-12-30", "2011-12-31T00:00:00+14:00"},
		{"America/New_York", "2024-03-10", "2024-03-10T00:00:00-05:00"},
	} {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := time.Parse(time.DateOnly, c.date)
		got := DayStart(CalendarDay(d, nil), loc)
		if s := got.Format(time.RFC3339); s != c.want {
			t.Errorf("%s %s starts at %s, want %s", c.zone, c.date, s, c.want)
		}
	}
}

func TestPropCalendarDay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tm := time.Unix(rapid.Int64Range(-1e11, 1e11).Draw(t, "sec"), rapid.Int64Range(0, 999_999_999).Draw(t, "nsec"))
		loc := genLocation(t)
		day := CalendarDay(tm, loc)
		in := loc
		if in == nil {
			in = time.UTC
		}
		y, m, d := tm.In(in).Date()
		if want := daysFromCivil(int64(y), int(m), d); day != want {
			t.Fatalf("CalendarDay(%v, %v) = %d, want %d", tm, loc, day, want)
		}
		// The time's own zone never matters, only the instant.
		other := time.FixedZone("other", rapid.IntRange(-14*3600, 14*3600).Draw(t, "own"))
		if CalendarDay(tm.In(other), loc) != day {
			t.Fatal("the time's own zone changed its day")
		}
		if civilDay(tm, in) != day {
			t.Fatal("civilDay disagrees with CalendarDay")
		}
		// DayStart is the first instant of the date.
		start := DayStart(day, loc)
		if CalendarDay(start, loc) != day || start.After(tm) {
			t.Fatalf("DayStart(%d, %v) = %v, day %d, after %v", day, loc, start, CalendarDay(start, loc), tm)
		}
		if CalendarDay(start.Add(-time.Nanosecond), loc) >= day {
			t.Fatalf("DayStart(%d, %v) = %v is not the first instant of the date", day, loc, start)
		}
		if !CalendarDate(tm, loc).Equal(start) {
			t.Fatal("CalendarDate differs from DayStart(CalendarDay)")
		}
		u := tm.Add(time.Duration(rapid.Int64Range(-1e6, 1e6).Draw(t, "delta")) * time.Second)
		if DaysBetween(tm, u, loc) != -DaysBetween(u, tm, loc) || DaysBetween(tm, u, loc) != CalendarDay(u, loc)-day {
			t.Fatal("DaysBetween is not the difference of day numbers")
		}
	})
}

// TestDayStartEveryDay walks every date from 1990 to 2040 in the awkward
// zones: each starts at an instant that shows it (or the next date, where
// the date was skipped), right after one that shows an earlier date.
func TestDayStartEveryDay(t *testing.T) {
	from, to := daysFromCivil(1990, 1, 1), daysFromCivil(2040, 1, 1)
	for _, z := range calendarZones {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Fatal(err)
		}
		for d := from; d < to; d++ {
			s := DayStart(d, loc)
			got := CalendarDay(s, loc)
			// got = d+1 only where the date was skipped (Apia 2011, Kiritimati 1994).
			if got < d || got > d+1 || CalendarDay(s.Add(-time.Nanosecond), loc) >= d {
				t.Fatalf("%s: day %d starts at %v (day %d)", z, d, s, got)
			}
		}
	}
}
