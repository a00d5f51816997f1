package lifecycle

import (
	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/internal/clip"
)

// Channel is one way of making an offer: telemarketing, the branch, e-mail,
// the app. Channels differ in what a contact costs (the cross-sell article:
// targeted telemarketing is at least four times cheaper than street
// acquisition) and in how often customers accept through them.
//
// Decide values an offer with channels through each: the contact cost adds
// to Offer.Cost, and the channel's AcceptWith, when measured, replaces the
// offer's. It then chooses, by this rule:
//
//  1. When no channel of the offer has a measured acceptance and the
//     customer's first-purchase channel (Customer.FirstChannel) is one of
//     them, that channel: the data say nothing about acceptance by channel,
//     and the channel of the first purchase is the six-methods article's
//     guess for the second.
//  2. Otherwise the channel with the highest expected value (channels
//     without a measured acceptance counted at the offer's AcceptWith); a
//     tie goes to the first-purchase channel, then to the first name in
//     byte order.
//
// The decision's Channel names the choice, Cost includes its contact cost,
// and its reason lists the expected value through every channel, the
// first-purchase channel, whether the chosen channel's acceptance was
// measured and which of the rules chose it.
type Channel struct {
	// Name identifies the channel, non-empty and unique within the offer;
	// it is compared with Customer.FirstChannel byte for byte.
	Name string
	// Cost is the contact cost through this channel, money ≥ 0, added to
	// Offer.Cost.
	Cost decimal.Decimal
	// AcceptWith, when measured, is the probability in [0, 1] that the
	// customer takes the action when offered through this channel; nil
	// means unknown: the offer's AcceptWith.
	AcceptWith *float64
}

// checkChannels validates an offer's channels, reporting through bad (which
// names the offer).
func checkChannels(chs []Channel, bad func(format string, args ...any) error) error {
	seen := make(map[string]struct{}, len(chs))
	for i, ch := range chs {
		switch {
		case ch.Name == "":
			return bad("channel %d: empty Name", i)
		case ch.Cost.Sign() < 0:
			return bad("channel %s: negative Cost %s", clip.Quote(ch.Name), clip.Decimal(ch.Cost))
		case ch.AcceptWith != nil && !(*ch.AcceptWith >= 0 && *ch.AcceptWith <= 1):
			return bad("channel %s: AcceptWith %v outside [0, 1]", clip.Quote(ch.Name), *ch.AcceptWith)
		}
		if _, dup := seen[ch.Name]; dup {
			return bad("channel %s appears twice", clip.Quote(ch.Name))
		}
		seen[ch.Name] = struct{}{}
	}
	return nil
}
