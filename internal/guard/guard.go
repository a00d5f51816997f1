// Package guard holds the small checks every package of the module makes on
// values it is handed, so that each is written once.
package guard

import (
	"math"
	"reflect"
)

// IsNil reports whether v is nil or a nil pointer, map, slice, function,
// channel or interface inside a non-nil interface: a model or trigger passed
// as a nil *T would otherwise panic at its first method call.
func IsNil(v any) bool {
	if v == nil {
		return true
	}
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return r.IsNil()
	}
	return false
}

// Finite reports whether v is neither NaN nor ±Inf.
func Finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
