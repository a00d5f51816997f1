package clv

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"

	"github.com/shopspring/decimal"
)

// The binary encoding of an Accumulator, version 1. Integers are
// encoding/binary varints (uvarint unsigned, varint zig-zag signed):
//
//	version     1 byte, 1
//	n           uvarint: the number of distinct purchase periods
//	                     (0: an empty accumulator, and nothing follows)
//	fingerprint 4 bytes, little-endian: the options' fingerprint (odd)
//	first       varint: the first period, as a day number since 1970-01-01
//	deltas      n−1 uvarints ≥ 1: each period minus the one before
//	first spend, calibration spend, holdout spend: three amounts, each
//	  tag 0…18  a byte: the scale s, then a uvarint c: the amount c/10^s
//	  tag 0x80  a byte, then a varint exponent e (|e| ≤ 10,000), a uvarint
//	            length L and L bytes of a big-endian integer c: c·10^e
//
// A customer of a few purchases takes some 20 bytes. The version byte comes
// first so that a later layout can be told apart, and older ones read.
const (
	accumulatorVersion = 1
	// bigAmount tags an amount held as a decimal.Decimal.
	bigAmount = 0x80
	// maxAmountExponent bounds the exponent of an encoded decimal amount:
	// arithmetic on a decimal takes time and memory that grow with its
	// exponent, and no amount of money needs more (decimal.NewFromString
	// accepts ±10,000 by default too).
	maxAmountExponent = 10_000
)

// MarshalBinary returns a's binary encoding: a version byte, then the
// purchase periods as varint deltas and the three spend totals exactly
// (see UnmarshalBinary). It fails only for an amount whose decimal exponent
// is beyond ±10,000, which no parsed amount has.
func (a Accumulator) MarshalBinary() ([]byte, error) {
	return a.AppendBinary(make([]byte, 0, 16+2*len(a.periods)))
}

// AppendBinary appends a's binary encoding (see MarshalBinary) to b.
func (a Accumulator) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, accumulatorVersion)
	b = binary.AppendUvarint(b, uint64(len(a.periods)))
	if len(a.periods) == 0 {
		return b, nil
	}
	b = binary.LittleEndian.AppendUint32(b, a.fp)
	b = binary.AppendVarint(b, int64(a.periods[0]))
	for i := 1; i < len(a.periods); i++ {
		b = binary.AppendUvarint(b, uint64(int64(a.periods[i])-int64(a.periods[i-1])))
	}
	for _, s := range [...]*exactSum{&a.first, &a.cal, &a.holdout} {
		var err error
		if b, err = appendAmount(b, *s); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// appendAmount appends one spend total.
func appendAmount(b []byte, s exactSum) ([]byte, error) {
	if s.slow == nil && s.c >= 0 && s.scale >= 0 && s.scale <= 18 {
		b = append(b, byte(s.scale))
		return binary.AppendUvarint(b, uint64(s.c)), nil
	}
	d := s.value()
	if d.Sign() < 0 {
		return nil, fmt.Errorf("%w: negative spend total %s", ErrInvalidAccumulator, d)
	}
	if e := d.Exponent(); e < -maxAmountExponent || e > maxAmountExponent {
		return nil, fmt.Errorf("%w: a spend total with decimal exponent %d, beyond ±%d", ErrInvalidAccumulator, e, maxAmountExponent)
	}
	b = append(b, bigAmount)
	b = binary.AppendVarint(b, int64(d.Exponent()))
	c := d.Coefficient().Bytes()
	b = binary.AppendUvarint(b, uint64(len(c)))
	return append(b, c...), nil
}

// UnmarshalBinary sets a to the accumulator encoded in data by
// MarshalBinary. Malformed input — an unknown version, a truncated or
// overlong field, periods out of order or beyond the range of day numbers,
// a negative or oversized amount, bytes after the end — is an error wrapping
// ErrInvalidAccumulator that names the byte offset and the field, and leaves
// a unchanged. It never panics, and allocates at most a few times len(data)
// bytes. The decoded state is checked against options (the fingerprint, the
// observation end, the totals) when it is summarised or merged into a
// Summarizer.
func (a *Accumulator) UnmarshalBinary(data []byte) error {
	d := accDecoder{b: data}
	v, err := d.u8("version")
	if err != nil {
		return err
	}
	if v != accumulatorVersion {
		return d.fail(0, "version %d (this package reads version %d)", v, accumulatorVersion)
	}
	at := d.off
	n, err := d.uvarint("period count")
	if err != nil {
		return err
	}
	if n == 0 {
		if err := d.end(); err != nil {
			return err
		}
		*a = Accumulator{}
		return nil
	}
	// Every period takes at least a byte: a count beyond the bytes left is
	// a lie, and believing it would allocate without bound.
	if n > uint64(len(data)-d.off) {
		return d.fail(at, "%d periods in %d remaining bytes", n, len(data)-d.off)
	}
	var out Accumulator
	if out.fp, err = d.uint32("options fingerprint"); err != nil {
		return err
	}
	if out.fp&1 == 0 {
		return d.fail(d.off-4, "options fingerprint %08x is even (fingerprints are odd)", out.fp)
	}
	at = d.off
	p, err := d.varint("first period")
	if err != nil {
		return err
	}
	if p < math.MinInt32 || p > math.MaxInt32 {
		return d.fail(at, "first period %d is out of the range of day numbers", p)
	}
	out.periods = make([]int32, n)
	out.periods[0] = int32(p)
	for i := 1; i < int(n); i++ {
		at = d.off
		delta, err := d.uvarint("period delta")
		if err != nil {
			return err
		}
		if delta == 0 {
			return d.fail(at, "period %d repeats the one before (periods must increase)", i)
		}
		if delta > uint64(math.MaxInt32-p) {
			return d.fail(at, "period %d is out of the range of day numbers", i)
		}
		p += int64(delta)
		out.periods[i] = int32(p)
	}
	out.last = out.periods[n-1]
	for _, f := range [...]struct {
		dst  *exactSum
		name string
	}{{&out.first, "first-period spend"}, {&out.cal, "calibration spend"}, {&out.holdout, "holdout spend"}} {
		if *f.dst, err = d.amount(f.name); err != nil {
			return err
		}
	}
	if err := d.end(); err != nil {
		return err
	}
	*a = out
	return nil
}

// accDecoder reads an accumulator's encoding, naming the offset of every
// error.
type accDecoder struct {
	b   []byte
	off int
}

func (d *accDecoder) fail(at int, format string, args ...any) error {
	return fmt.Errorf("%w: encoding byte %d: %s", ErrInvalidAccumulator, at, fmt.Sprintf(format, args...))
}

func (d *accDecoder) u8(what string) (byte, error) {
	if d.off >= len(d.b) {
		return 0, d.fail(d.off, "truncated before the %s", what)
	}
	d.off++
	return d.b[d.off-1], nil
}

func (d *accDecoder) uint32(what string) (uint32, error) {
	if len(d.b)-d.off < 4 {
		return 0, d.fail(d.off, "truncated in the %s", what)
	}
	v := binary.LittleEndian.Uint32(d.b[d.off:])
	d.off += 4
	return v, nil
}

func (d *accDecoder) uvarint(what string) (uint64, error) {
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		return 0, d.varintError(n, what)
	}
	d.off += n
	return v, nil
}

func (d *accDecoder) varint(what string) (int64, error) {
	v, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		return 0, d.varintError(n, what)
	}
	d.off += n
	return v, nil
}

func (d *accDecoder) varintError(n int, what string) error {
	if n == 0 {
		return d.fail(d.off, "truncated in the %s", what)
	}
	return d.fail(d.off, "the %s overflows 64 bits", what)
}

// amount reads one spend total, which must not be negative.
func (d *accDecoder) amount(what string) (exactSum, error) {
	at := d.off
	tag, err := d.u8(what)
	if err != nil {
		return exactSum{}, err
	}
	switch {
	case tag <= 18:
		c, err := d.uvarint(what)
		if err != nil {
			return exactSum{}, err
		}
		if c > math.MaxInt64 {
			return exactSum{}, d.fail(at, "%s coefficient %d overflows an int64", what, c)
		}
		return exactSum{c: int64(c), scale: int32(tag)}, nil
	case tag == bigAmount:
		at = d.off
		e, err := d.varint(what + " exponent")
		if err != nil {
			return exactSum{}, err
		}
		if e < -maxAmountExponent || e > maxAmountExponent {
			return exactSum{}, d.fail(at, "%s exponent %d is beyond ±%d", what, e, maxAmountExponent)
		}
		at = d.off
		n, err := d.uvarint(what + " length")
		if err != nil {
			return exactSum{}, err
		}
		if n > uint64(len(d.b)-d.off) {
			return exactSum{}, d.fail(at, "%s of %d bytes in %d remaining", what, n, len(d.b)-d.off)
		}
		c := new(big.Int).SetBytes(d.b[d.off : d.off+int(n)])
		d.off += int(n)
		v := decimal.NewFromBigInt(c, int32(e))
		return exactSum{slow: &v}, nil
	default:
		return exactSum{}, d.fail(at, "%s has unknown tag %#x", what, tag)
	}
}

// end reports bytes after the encoding.
func (d *accDecoder) end() error {
	if d.off != len(d.b) {
		return d.fail(d.off, "%d bytes after the end of the encoding", len(d.b)-d.off)
	}
	return nil
}
