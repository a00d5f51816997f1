package clv

import "time"

// CalendarDay returns the day number of t's calendar date in loc: the
// number of days from 1970-01-01 to the wall-clock date that t shows in loc
// (proleptic Gregorian calendar), negative before 1970. A nil loc means UTC.
//
// This is the calendar-day rule of the whole SDK. Whenever clvkit needs to
// know on which day something happened — a purchase in a summary, a
// lifecycle history, a ladder window or grace period, a trigger, a pesca
// sequence or plan — it asks CalendarDay, with a location the caller gives
// (a parameter or a Location field; nil always means UTC). The time's own
// zone never matters, only the instant and the location: a purchase at
// 23:30 −05:00 on January 1 is on January 1 in New York and on January 2 in
// UTC, in every package alike. Day counts are differences of day numbers
// (DaysBetween), so they never depend on daylight saving, and where a
// package returns a date as a time.Time it returns DayStart of the day
// number in the same location, which reads back as the same day.
func CalendarDay(t time.Time, loc *time.Location) int64 {
	var off int
	if loc != nil && loc != time.UTC {
		_, off = t.In(loc).Zone()
	}
	return floorDiv(t.Unix()+int64(off), 86400)
}

// DaysBetween returns the whole calendar days from the date of from to the
// date of to, both read in loc (nil means UTC): CalendarDay(to, loc) −
// CalendarDay(from, loc). It is negative when to's date is before from's,
// and zero for two instants on the same date whatever their hours.
func DaysBetween(from, to time.Time, loc *time.Location) int64 {
	return CalendarDay(to, loc) - CalendarDay(from, loc)
}

// DayStart returns the first instant of day number day (days since
// 1970-01-01) in loc (nil means UTC): its midnight, expressed in loc. When a
// clock change skips that midnight it returns the instant the clocks jump,
// the first that shows the date; when the whole date is skipped (Samoa's
// 2011-12-30) it returns the start of the next date that exists. Thus
// CalendarDay(DayStart(d, loc), loc) == d for every date that exists in loc.
func DayStart(day int64, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := civilFromDays(day)
	t := time.Date(int(y), time.Month(m), d, 0, 0, 0, 0, loc)
	if CalendarDay(t, loc) >= day {
		return t
	}
	// time.Date resolved a skipped midnight to an instant of the day
	// before: the date begins where the zone in effect at t ends.
	for range 4 {
		_, end := t.ZoneBounds()
		if end.IsZero() {
			break
		}
		t = end
		if CalendarDay(t, loc) >= day {
			return t
		}
	}
	return t
}

// CalendarDate returns the first instant of t's calendar date in loc (nil
// means UTC), expressed in loc: DayStart(CalendarDay(t, loc), loc). It is
// how the SDK returns a date as a time.Time.
func CalendarDate(t time.Time, loc *time.Location) time.Time {
	return DayStart(CalendarDay(t, loc), loc)
}
